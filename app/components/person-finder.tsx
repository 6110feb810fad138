import { useSubmit } from "@remix-run/react";
import type { FormEvent } from "react";
import { MAX_SEARCH_LENGTH, PEOPLE_PAGE_SIZE } from "#app/rules/paging.ts";

/** What the server says about whom a person picker offers (peopleToPick in team.server.ts). */
export interface PickView {
  listed: "all" | "found";
  total: number;
  search: string | null;
  found: number;
  people: { id: number; name: string }[];
}

const FINDER_FORM = "person-finder";

/**
 * The search that finds people for a picker in a practice too large to list them all. It sits in
 * the form it serves but belongs to its own GET form (`PersonFinderForm`, placed after that one),
 * so that Enter in any other field still submits the form, and Enter here only finds. Nothing is
 * shown when the picker lists everyone.
 */
export function PersonFinder({ pick }: { pick: PickView }) {
  if (pick.listed === "all") return null;
  // Of those found, a page is offered (those the form already holds come on top).
  const offeredFound = Math.min(pick.found, PEOPLE_PAGE_SIZE);
  return (
    <div className="field">
      <label htmlFor="find">Find a person</label>
      <p className="hint" id="find-hint">
        {pick.total.toLocaleString("en-US")} people: type any part of a name or email and choose Find.
      </p>
      <div className="filters">
        <input id="find" name="find" type="search" form={FINDER_FORM} defaultValue={pick.search ?? ""} maxLength={MAX_SEARCH_LENGTH} autoComplete="off" aria-describedby="find-hint find-status" />
        <button type="submit" form={FINDER_FORM} className="button secondary">
          Find
        </button>
      </div>
      <p id="find-status" role="status">
        {pick.search === null
          ? null
          : pick.found === 0
            ? <>Nobody matches “<bdi>{pick.search}</bdi>”.</>
            : pick.found > offeredFound
              ? <>{pick.found.toLocaleString("en-US")} match “<bdi>{pick.search}</bdi>”; the first {offeredFound} are listed. Type more of the name to narrow it.</>
              : <>{pick.found} {pick.found === 1 ? "person matches" : "people match"} “<bdi>{pick.search}</bdi>”.</>}
      </p>
    </div>
  );
}

/**
 * The finder's own form, outside the form it serves (forms cannot nest). Without JavaScript it
 * sends the search alone; with it, the other form's fields go too, so nothing typed is lost.
 */
export function PersonFinderForm({ pick, serves }: { pick: PickView; serves: string }) {
  const submit = useSubmit();
  if (pick.listed === "all") return null;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const main = document.getElementById(serves);
    if (!(main instanceof HTMLFormElement)) return;
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(main)) if (typeof value === "string" && key !== "intent") params.append(key, value);
    params.set("find", new FormData(event.currentTarget).get("find")?.toString() ?? "");
    submit(params, { method: "get", preventScrollReset: true, replace: true });
  };
  return <form id={FINDER_FORM} method="get" onSubmit={onSubmit} hidden />;
}
