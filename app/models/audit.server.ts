import type { DB } from "#db/connection.ts";

export interface AuditInput {
  actorId: number | null;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

/** Appends an audit event. Call it inside the same transaction as the change it records. */
export async function recordAudit(db: DB, input: AuditInput): Promise<void> {
  await db
    .insertInto("audit_event")
    .values({
      at: input.at.toISOString(),
      actor_id: input.actorId,
      action: input.action,
      subject: input.subject ?? null,
      details: JSON.stringify(input.details ?? {}),
    })
    .execute();
}

export interface AuditEntry {
  id: number;
  at: string;
  actorName: string | null;
  action: string;
  subject: string | null;
  /** The subject as a person reads it: a name for "user:12". */
  subjectLabel: string | null;
  details: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, a page at a time. */
export async function listAuditEvents(db: DB, page: number): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
  const rows = await db
    .selectFrom("audit_event")
    .leftJoin("user", "user.id", "audit_event.actor_id")
    .select(["audit_event.id", "audit_event.at", "user.name as actorName", "audit_event.action", "audit_event.subject", "audit_event.details"])
    .orderBy("audit_event.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .execute();
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  const userIds = [
    ...new Set(
      entries.flatMap((r) => {
        const id = /^user:(\d+)$/.exec(r.subject ?? "")?.[1];
        return id ? [Number(id)] : [];
      }),
    ),
  ];
  const names = new Map(
    userIds.length === 0 ? [] : (await db.selectFrom("user").select(["id", "name"]).where("id", "in", userIds).execute()).map((u) => [`user:${u.id}`, u.name]),
  );
  return {
    entries: entries.map((r) => ({ ...r, subjectLabel: (r.subject && names.get(r.subject)) ?? r.subject })),
    hasMore: rows.length > AUDIT_PAGE_SIZE,
  };
}
