// Kysely's view of the database. Row types follow Kysely's convention: `Xxx` for a selected row,
// `NewXxx` for an insert. Times are UTC ISO-8601 text, dates YYYY-MM-DD, money integer cents,
// booleans 0/1.
import type { Generated, Selectable } from "kysely";

export type Role = "owner" | "manager" | "staff";
export type UserStatus = "active" | "deactivated";

export interface PracticeTable {
  id: number;
  name: string;
  time_zone: string;
  fiscal_year_start_month: number;
  created_at: string;
  labour_cost_enabled: Generated<number>;
  managers_record_spend: Generated<number>;
  managers_see_costs: Generated<number>;
}

export interface LocationTable {
  id: Generated<number>;
  name: string;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  job_title: string | null;
  location_id: number | null;
  hourly_wage_cents: number | null;
  hired_on: string | null;
  status: UserStatus;
  password_hash: string | null;
  created_at: string;
  /** For a manager limited to one location; null means the whole practice. */
  scope_location_id: number | null;
  deactivated_at: string | null;
}

export interface SessionTable {
  /** SHA-256 (hex) of the session token; the token itself lives only in the cookie. */
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  absolute_expires_at: string;
}

export interface LoginFailureTable {
  id: Generated<number>;
  /** "account:<email>" or "address:<ip>" */
  key: string;
  at: string;
}

export interface DeviceCookieTable {
  /** SHA-256 (hex) of the device cookie's token; the token itself lives only in the browser. */
  token_hash: string;
  user_id: number;
  created_at: string;
  /** The last sign-in with it; it is good for DEVICE_COOKIE_DAYS after that. */
  last_used_at: string;
}

export type SignInBlockReason = "account" | "address" | "device";

export interface SignInBlockTable {
  id: Generated<number>;
  /** UTC date, YYYY-MM-DD. */
  day: string;
  /** The account the typed email names; null when it names none (that email is not kept). */
  user_id: number | null;
  address: string;
  reason: SignInBlockReason;
  attempts: number;
  first_at: string;
  last_at: string;
}

export interface ModuleTable {
  slug: string;
  title: string;
  summary: string;
  position: number;
  skills: string;
  content_hash: string;
  retired: number;
}

export interface LessonTable {
  slug: string;
  module_slug: string;
  title: string;
  summary: string;
  minutes: number;
  position: number;
  skills: string;
  has_quiz: number;
  content_hash: string;
  retired: number;
}

export interface LessonVisitTable {
  user_id: number;
  lesson_slug: string;
  first_seen_at: string;
  last_seen_at: string;
  active_seconds: number;
}

export interface QuizAttemptTable {
  id: Generated<number>;
  user_id: number;
  lesson_slug: string;
  content_hash: string;
  /** JSON: { [questionId]: choiceId[] } */
  answers: string;
  correct_count: number;
  question_count: number;
  score: number;
  passed: number;
  submitted_at: string;
  request_id: string;
}

export interface CompletionTable {
  id: Generated<number>;
  user_id: number;
  lesson_slug: string;
  completed_at: string;
  attempt_id: number | null;
  content_hash: string;
}

export interface AccessCodeTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 of the code; the code itself is shown once and never stored. */
  code_hash: string;
  purpose: "setup" | "reset";
  created_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AssignmentTable {
  id: Generated<number>;
  module_slug: string | null;
  lesson_slug: string | null;
  target_user_id: number | null;
  target_job_title: string | null;
  target_location_id: number | null;
  due_on: string | null;
  due_days: number | null;
  recur_months: number | null;
  created_by: number;
  created_at: string;
  cancelled_at: string | null;
  cancelled_by: number | null;
  /** A retake: completions before this instant do not count (migration 0007). */
  completions_from: string | null;
}

export interface AssignmentPersonTable {
  id: Generated<number>;
  assignment_id: number;
  user_id: number;
  assigned_at: string;
  due_on: string;
}

export type SpendCategory =
  | "training-materials"
  | "online-courses"
  | "customer-service-software"
  | "virtual-instructor-led"
  | "in-person-training"
  | "conferences-and-workshops"
  | "other";

export interface BudgetPlanTable {
  fiscal_year: number;
  category: SpendCategory;
  planned_cents: number;
  per_employee: number;
}

export interface ExpenseTable {
  id: Generated<number>;
  spent_on: string;
  category: SpendCategory;
  vendor: string;
  description: string;
  amount_cents: number;
  source: Generated<string>;
  created_by: number;
  created_at: string;
  updated_at: string;
}

export interface LearningDayTable {
  user_id: number;
  /** UTC date */
  day: string;
  seconds: number;
}

export interface ExpenseShareTable {
  expense_id: number;
  user_id: number;
  amount_cents: number;
}

export type OutsideKind = "conference" | "workshop" | "webinar" | "online-course" | "in-person-course";

export interface OutsideLearningTable {
  id: Generated<number>;
  title: string;
  provider: string;
  kind: OutsideKind;
  held_on: string;
  minutes: number;
  cost_cents: number;
  expense_id: number | null;
  created_by: number;
  created_at: string;
}

export interface OutsideLearningAttendeeTable {
  outside_learning_id: number;
  user_id: number;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  action: string;
  subject: string | null;
  details: string;
}

export interface Database {
  practice: PracticeTable;
  location: LocationTable;
  user: UserTable;
  session: SessionTable;
  login_failure: LoginFailureTable;
  device_cookie: DeviceCookieTable;
  sign_in_block: SignInBlockTable;
  module: ModuleTable;
  lesson: LessonTable;
  lesson_visit: LessonVisitTable;
  quiz_attempt: QuizAttemptTable;
  completion: CompletionTable;
  audit_event: AuditEventTable;
  access_code: AccessCodeTable;
  assignment: AssignmentTable;
  assignment_person: AssignmentPersonTable;
  budget_plan: BudgetPlanTable;
  expense: ExpenseTable;
  expense_share: ExpenseShareTable;
  learning_day: LearningDayTable;
  outside_learning: OutsideLearningTable;
  outside_learning_attendee: OutsideLearningAttendeeTable;

  // Patient feedback, spaced review, certificates and the team goal (migration 0006).
  feedback_import: FeedbackImportTable;
  feedback_item: FeedbackItemTable;
  review_answer: ReviewAnswerTable;
  certificate_link: CertificateLinkTable;
  learning_settings: LearningSettingsTable;

  // The lesson studio (migration 0007).
  studio_state: StudioStateTable;
  studio_module: StudioModuleTable;
  studio_lesson: StudioLessonTable;
  studio_lesson_version: StudioLessonVersionTable;
  studio_image: StudioImageTable;
  mail_message: MailMessageTable;
  mail_lease: MailLeaseTable;
  mail_setting: MailSettingTable;
  mail_choice: MailChoiceTable;
  mail_unsubscribe: MailUnsubscribeTable;
  import_mapping: ImportMappingTable;
  import_upload: ImportUploadTable;
  outcome_month: OutcomeMonthTable;
  outcome_value: OutcomeValueTable;

  // Account emails (migration 0012).
  account_mail: AccountMailTable;
}

export type Practice = Selectable<PracticeTable>;

// ---------------------------------------------------------------------------------------------
// Patient feedback, spaced review, certificates and the team goal (migration 0006)

export interface FeedbackImportTable {
  id: Generated<number>;
  /** From the confirm form: a double submit imports once. */
  request_id: string;
  rows: number;
  created_by: number;
  created_at: string;
}

export interface FeedbackItemTable {
  id: Generated<number>;
  received_on: string;
  source: string;
  /** 1–5 */
  rating: number;
  /** Scrubbed: the text as received is never stored. */
  comment: string;
  /** JSON: { [kind]: count } of what the scrubber removed. */
  redactions: Generated<string>;
  location_id: number | null;
  import_id: number | null;
  /** For items entered one at a time: a double submit records once. */
  request_id: string | null;
  created_by: number;
  created_at: string;
}

export interface ReviewAnswerTable {
  id: Generated<number>;
  user_id: number;
  lesson_slug: string;
  question_id: string;
  /** JSON: the choice ids chosen */
  answers: string;
  correct: number;
  answered_at: string;
  request_id: string;
}

export interface CertificateLinkTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the link's token; the token lives only in the link. */
  token_hash: string;
  user_id: number;
  module_slug: string;
  /** The person's name and the module's title as printed on the certificate. */
  name: string;
  module_title: string;
  completed_on: string;
  created_at: string;
  revoked_at: string | null;
}

export interface LearningSettingsTable {
  id: number;
  monthly_lesson_goal: number | null;
  rankings_enabled: Generated<number>;
  updated_at: string;
  updated_by: number | null;
}

// ---------------------------------------------------------------------------------------------
// The lesson studio (migration 0007)

export type StudioState = "draft" | "published" | "archived";

export interface StudioStateTable {
  id: number;
  /** Moves with every change to what the library serves. */
  revision: number;
  scoped_managers_publish: number;
}

export interface StudioModuleTable {
  id: Generated<number>;
  slug: string;
  title: string;
  summary: string;
  /** JSON: skill ids. */
  skills: string;
  position: number;
  state: StudioState;
  created_by: number;
  created_at: string;
  updated_by: number;
  updated_at: string;
}

export interface StudioLessonTable {
  id: Generated<number>;
  slug: string;
  module_slug: string;
  replaces_slug: string | null;
  position: number;
  state: StudioState;
  /** The draft: the lesson's MDX file and its quiz file, as `content/` holds them. */
  source: string;
  quiz: string | null;
  /** The latest published version; 0 before the first. */
  version: number;
  created_by: number;
  created_at: string;
  updated_by: number;
  updated_at: string;
}

export interface StudioLessonVersionTable {
  id: Generated<number>;
  lesson_id: number;
  version: number;
  source: string;
  quiz: string | null;
  content_hash: string;
  code: string;
  retake: number;
  published_by: number;
  published_at: string;
}

export interface StudioImageTable {
  id: Generated<number>;
  lesson_id: number;
  name: string;
  mime: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  created_by: number;
  created_at: string;
}

// Email (migration 0011, docs/decisions/0019-email-outbox.md).

/** not-set-up: composed while no SMTP_URL was set; kept so a manager sees what would have gone. */
export type MailStatus = "pending" | "sent" | "failed" | "not-set-up";

export interface MailMessageTable {
  id: Generated<number>;
  user_id: number;
  to_address: string;
  kind: string;
  /** The practice's date the message is for: with user_id and kind, its idempotency key. */
  local_date: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** Extra headers as a JSON object of strings. */
  headers: string;
  status: MailStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  /** The SMTP server's reply, or why the connection failed. */
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface MailLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface MailSettingTable {
  kind: string;
  enabled: number;
  send_hour: number;
  /** ISO weekdays (1 = Monday), comma-separated. */
  working_days: string;
  updated_at: string;
  updated_by: number | null;
}

export interface MailChoiceTable {
  user_id: number;
  kind: string;
  enabled: number;
  updated_at: string;
}

export interface MailUnsubscribeTable {
  /** SHA-256 (hex) of the token in the message's links. */
  token_hash: string;
  user_id: number;
  kind: string;
  created_at: string;
}

export interface ImportMappingTable {
  /** "feedback", "people" or "spend". */
  kind: string;
  /** SHA-256 (hex) of the file's headers, normalised. */
  headers_hash: string;
  /** JSON: SavedMapping (app/models/import-uploads.server.ts). */
  mapping: string;
  updated_by: number | null;
  updated_at: string;
}

export interface ImportUploadTable {
  /** SHA-256 (hex) of the upload's random id; the id itself is only in its uploader's URL. */
  id_hash: string;
  user_id: number;
  kind: string;
  file_name: string;
  /** The file, encrypted with a key from the upload id (which is not stored): iv, tag and ciphertext, base64. */
  content: string;
  created_at: string;
  expires_at: string;
}
/** One month of one location's outcome figures (migration 0014). null: not known, never zero. */
export interface OutcomeMonthTable {
  id: Generated<number>;
  /** YYYY-MM, the practice's calendar month. */
  month: string;
  location_id: number;
  visits: number | null;
  new_patients: number | null;
  returning_patients: number | null;
  no_shows: number | null;
  late_cancellations: number | null;
  review_count: number | null;
  /** The month's average online rating in hundredths of a star (4.35 stars = 435). */
  stars_hundredths: number | null;
  complaints: number | null;
  created_by: number;
  created_at: string;
  updated_by: number;
  updated_at: string;
  /** "form", or "import:<request id>". */
  source: Generated<string>;
}

/** The owner's values for the outcome estimate: one row, id 1. */
export interface OutcomeValueTable {
  id: number;
  returning_patient_cents: number | null;
  no_show_cents: number | null;
  updated_by: number;
  updated_at: string;
}

// ---------------------------------------------------------------------------------------------
// Account emails (migration 0012)

export type AccountMailPurpose = "password-reset" | "setup-code";

/** One account email: who it is for and, for a reset link, the hash of its token once sent. */
export interface AccountMailTable {
  /** The outbox row that carries it. */
  message_id: number;
  user_id: number;
  purpose: AccountMailPurpose;
  /** The manager who asked for a setup code to be emailed; null for a person's own reset request. */
  requested_by: number | null;
  created_at: string;
  /** SHA-256 (hex) of the reset link's token, written when the message is sent. */
  token_hash: string | null;
  expires_at: string | null;
  /** Spent, or ended by a newer request. */
  used_at: string | null;
}
