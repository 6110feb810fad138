import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { findCertificate } from "#app/models/certificates.server.ts";
import { services } from "#app/services.server.ts";
import { invariantResponse } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Certificate of completion · DeskCoach" }, { name: "robots", content: "noindex" }];

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// Public: anyone holding the link sees the name, the module and the date, and nothing else.
// The token is the only key (256 random bits); an unknown or turned-off link answers 404.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const certificate = await findCertificate(services.db, params.token ?? "");
  invariantResponse(certificate);
  const [y, m, d] = certificate.completedOn.split("-").map(Number) as [number, number, number];
  const url = new URL(request.url);
  return {
    name: certificate.name,
    moduleTitle: certificate.moduleTitle,
    completedOn: `${MONTHS[m - 1]} ${d}, ${y}`,
    address: `${url.origin}${url.pathname}`,
  };
}

export default function Certificate() {
  const certificate = useLoaderData<typeof loader>();
  // Printing needs JavaScript; without it the browser's own Print command does the same.
  const [canPrint, setCanPrint] = useState(false);
  useEffect(() => setCanPrint(true), []);
  return (
    <article className="certificate" aria-labelledby="certificate-heading">
      <p className="certificate-brand">DeskCoach</p>
      <h1 id="certificate-heading">Certificate of completion</h1>
      <p>This certifies that</p>
      <p className="certificate-name">{certificate.name}</p>
      <p>completed the module</p>
      <p className="certificate-module">{certificate.moduleTitle}</p>
      <p>
        on <strong>{certificate.completedOn}</strong>
      </p>
      <p className="certificate-verify">
        Verify this certificate at <span className="certificate-address">{certificate.address}</span>
      </p>
      <p className="certificate-actions">
        {canPrint ? (
          <button type="button" className="button primary" onClick={() => window.print()}>
            Print
          </button>
        ) : null}{" "}
        <span className="muted">To print, use your browser's Print command (Ctrl+P, or ⌘P on a Mac). It fits on one page.</span>
      </p>
    </article>
  );
}
