import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { getPractice, saveMoneySettings } from "#app/models/practice.server.ts";
import { setScopedManagersPublish, studioSettings } from "#app/models/studio.server.ts";
import { services } from "#app/services.server.ts";
import { readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Settings · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "owner");
  const [practice, studio] = await Promise.all([getPractice(services.db), studioSettings(services.db)]);
  return {
    scopedManagersPublish: studio.scopedManagersPublish,
    labourCostEnabled: practice?.labour_cost_enabled === 1,
    managersRecordSpend: practice?.managers_record_spend === 1,
    managersSeeCosts: practice?.managers_see_costs === 1,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const owner = await requireRole(request, "owner");
  const form = await readForm(request);
  // An unticked box sends nothing, so an empty post would read as "turn everything off": only
  // the settings form itself (which says intent=save) may save.
  if (form.get("intent") !== "save") throw new Response("Unknown action.", { status: 400 });
  await saveMoneySettings(
    services.db,
    owner.id,
    {
      labourCostEnabled: form.get("labourCostEnabled") === "on",
      managersRecordSpend: form.get("managersRecordSpend") === "on",
      managersSeeCosts: form.get("managersSeeCosts") === "on",
    },
    services.clock.now(),
  );
  await setScopedManagersPublish(services.db, owner, form.get("scopedManagersPublish") === "on", services.clock.now());
  throw redirect("/owner/settings?saved=1");
}

export default function Settings() {
  const settings = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Settings</h1>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="save" />
        <fieldset>
          <legend>Reports</legend>
          <div className="choice">
            <input type="checkbox" id="labourCostEnabled" name="labourCostEnabled" defaultChecked={settings.labourCostEnabled} />
            <label htmlFor="labourCostEnabled">
              Show labour cost: time spent in lessons × each person's hourly wage, reported beside cash spend (never added to it)
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>What managers may do with training money</legend>
          <div className="choice">
            <input type="checkbox" id="managersRecordSpend" name="managersRecordSpend" defaultChecked={settings.managersRecordSpend} />
            <label htmlFor="managersRecordSpend">Managers may record, edit and import spend</label>
          </div>
          <div className="choice">
            <input type="checkbox" id="managersSeeCosts" name="managersSeeCosts" defaultChecked={settings.managersSeeCosts} />
            <label htmlFor="managersSeeCosts">Managers may see the budget and the cost reports</label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Lesson studio</legend>
          <div className="choice">
            <input type="checkbox" id="scopedManagersPublish" name="scopedManagersPublish" defaultChecked={settings.scopedManagersPublish} />
            <label htmlFor="scopedManagersPublish">
              Managers of one location may publish lessons and modules they write (when off, they write drafts; you or a manager of the
              whole practice publishes)
            </label>
          </div>
        </fieldset>
        <button type="submit" className="button primary">
          Save settings
        </button>
      </Form>
    </>
  );
}
