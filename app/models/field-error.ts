// The one way a model refuses a change: the message for the person, the form field to show it
// beside ("form" for the whole form), and the status the page answers with. 400 is bad input,
// 403 is "you may not", 404 is "no such thing, as far as you can tell" (the page answers a plain
// 404 then, and shows no form).
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 403 | 404 = 400,
  ) {
    super(message);
  }
}
