import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FieldError } from "#app/models/field-error.ts";
import { fieldErrorReply, formValues, invariantResponse, parseForm, readId, readRequestId } from "#app/route-helpers/validation.ts";

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

describe("what a refused form puts back", () => {
  it("keeps each field's first text, and never a password or a value past every field's limit", () => {
    const sent = form([["name", "Ana"], ["name", "second"], ["password", "secret-one"], ["confirmPassword", "secret-one"], ["note", "x".repeat(10_001)]]);
    expect(formValues(sent)).toEqual({ name: "Ana" });
  });

  it("parseForm checks what was sent but echoes only what may be put back", () => {
    const schema = z.object({ name: z.string().min(5, "Too short."), password: z.string() });
    const result = parseForm(form([["name", "Ana"], ["password", "secret"]]), schema);
    expect(result).toEqual({ ok: false, errors: { name: "Too short." }, values: { name: "Ana" } });
  });
});

describe("a model's refusal as an answer", () => {
  it("puts the message beside its field with the refusal's status", () => {
    const reply = fieldErrorReply(new FieldError("email", "Taken.", 403), form([["email", "a@b.c"]]), { added: null });
    expect(reply.init?.status).toBe(403);
    expect(reply.data).toEqual({ errors: { email: "Taken." }, values: { email: "a@b.c" }, added: null });
  });

  it("answers a plain 404 when the thing does not exist for this person", () => {
    try {
      fieldErrorReply(new FieldError("id", "No such thing.", 404), form([]), {});
      expect.unreachable();
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(404);
    }
  });

  it("invariantResponse stops with 404 unless its condition holds", () => {
    expect(() => invariantResponse(1)).not.toThrow();
    expect(() => invariantResponse(undefined)).toThrow(Response);
  });
});

describe("ids", () => {
  it("reads a record's id as a positive whole number, or null", () => {
    expect(readId("42")).toBe(42);
    for (const bad of [null, undefined, "", " ", "0", "-3", "1.5", "abc", "9007199254740993"]) expect(readId(bad)).toBeNull();
  });

  it("reads a request id only as a UUID", () => {
    expect(readRequestId("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).toBe("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    for (const bad of [null, "", "x", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ", "a0eebc999c0b4ef8bb6d6bb9bd380a11"]) expect(readRequestId(bad)).toBeNull();
  });
});
