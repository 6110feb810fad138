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
