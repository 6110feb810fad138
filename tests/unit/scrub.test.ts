import { describe, expect, it } from "vitest";
import { describeRedactions, splitMarks } from "#app/rules/feedback.ts";
import { scrubComment } from "#app/models/scrub.ts";

// Realistic comments, as survey and review exports give them, and what may be stored of them.
const REDACT: [string, string][] = [
  // Phone numbers
  ["Called 3 times at 555-201-3344 and nobody answered.", "Called 3 times at [phone] and nobody answered."],
  ["Please call me back at (312) 555-0199 about my refill", "Please call me back at [phone] about my refill"],
  ["My number is +1 312 555 0199, no one ever called", "My number is [phone], no one ever called"],
  ["left my cell 3125550199 twice", "left my cell [phone] twice"],
  ["voicemail said call 555.0199 but that line is dead", "voicemail said call [phone] but that line is dead"],
  ["reach me on 1-800-555-0123 ext later", "reach me on [phone] ext later"],
  // Email
  ["Email me at j.doe+clinic@example.org instead of calling.", "Email me at [email] instead of calling."],
  ["I sent 2 emails to ANA.ALVAREZ@Mail.Example.com", "I sent 2 emails to [email]"],
  // Dates
  ["I was seen on 3/14 and again 03/14/2026.", "I was seen on [date] and again [date]."],
  ["Appointment 3-14-26 was moved without telling me", "Appointment [date] was moved without telling me"],
  ["Visit on 2026-03-14 went fine", "Visit on [date] went fine"],
  ["On March 14 they lost my forms", "On [date] they lost my forms"],
  ["Since Mar. 14th I have called every day", "Since [date] I have called every day"],
  ["On 14 March 2026 I waited two hours", "On [date] I waited two hours"],
  ["my appointment on the 3rd of June was cancelled", "my appointment on the [date] was cancelled"],
  ["DOB 4/2/1961 was wrong on my statement", "DOB [date] was wrong on my statement"],
  ["I came in on 5/5 and again on 10/10", "I came in on [date] and again on [date]"],
  ["Seen May 3, 2026 by the new doctor", "Seen [date] by the new doctor"],
  ["billing since September 2025 is a mess", "billing since [date] is a mess"],
  // Record and account numbers
  ["MRN 778812 was on the sign-in sheet for all to see", "MRN [number] was on the sign-in sheet for all to see"],
  ["My acct #12345 shows a balance I already paid", "My acct #[number] shows a balance I already paid"],
  ["Account number 55-1234 was charged twice", "Account number [number] was charged twice"],
  ["claim 20931 still not filed", "claim [number] still not filed"],
  ["member ID XJH448812 was typed wrong", "member ID [number] was typed wrong"],
  ["reference #48213 from the billing office", "reference #[number] from the billing office"],
  ["statement 20250311-02 is wrong", "statement [number] is wrong"],
  ["The number on my card is 1234567", "The number on my card is [number]"],
  ["they read my SSN 123-45-6789 out loud", "they read my SSN [number] out loud"],
  ["card 4111 1111 1111 1111 was charged", "card [number] was charged"],
  // Street addresses
  ["Mail went to 42 Elm Street instead of my house", "Mail went to [address] instead of my house"],
  ["I live at 1200 W Lake St. and got no letter", "I live at [address] and got no letter"],
  // Names after titles
  ["Mrs. Alvarez at the front desk was rude to my mother", "Mrs. [name] at the front desk was rude to my mother"],
  ["Mr Tran waited over an hour", "Mr [name] waited over an hour"],
  ["Ms. Kim Lee was called up by her full name", "Ms. [name] was called up by her full name"],
  ["they shouted mrs alvarez across the room", "they shouted mrs [name] across the room"],
  ["Dr. Okafor was great but the desk was not", "Dr. [name] was great but the desk was not"],
  ["Doctor Hughes explained everything", "Doctor [name] explained everything"],
  ["Miss Kim at check-in was lovely", "Miss [name] at check-in was lovely"],
  ["Dr. J. Patel recommended the new plan", "Dr. [name] recommended the new plan"],
  ["Mrs. O'Brien-Smith was on hold for 20 minutes", "Mrs. [name] was on hold for 20 minutes"],
  // Names after greetings and in introductions
  ["Hi Sarah, the reminder call came too late.", "Hi [name], the reminder call came too late."],
  ["Dear Tom, I am writing about my bill", "Dear [name], I am writing about my bill"],
  ["hi sarah, thank you for the help!", "hi [name], thank you for the help!"],
  ["Hello Ms. Park, the forms were lost again", "Hello Ms. [name], the forms were lost again"],
  ["My name is Ana Alvarez and I was overcharged", "My name is [name] and I was overcharged"],
  ["my daughter Emma was scared and the desk staff calmed her", "my daughter [name] was scared and the desk staff calmed her"],
  ["My husband, Luis was ignored at the window", "My husband, [name] was ignored at the window"],
];

const KEEP: string[] = [
  "Waited 45 minutes past my 10 am appointment.",
  "The front desk was friendly and quick.",
  "Copay was $20, not $40 like they told me on the phone.",
  "My bill was $1,250 and nobody explained it",
  "A $150000 hospital bill is not this office's fault",
  "Dr visits always run late here",
  "dr. visits take forever but the staff are kind",
  "Checked in at 2:15 and was seen at 3:40.",
  "Open until 5:30 pm on Fridays, which helps",
  "10/10 would recommend!",
  "5/5 stars for the new receptionist",
  "I'd give it 4/5",
  "Waited 1/2 hour in the lobby",
  "The 24/7 nurse line was helpful",
  "I miss the old receptionist, she knew everyone",
  "Hi there, just wanted to say thanks to the team.",
  "Hello everyone at the front desk!",
  "hey what gives, nobody called back",
  "Called 3 times and was on hold 20 minutes each time",
  "Room 12 was freezing",
  "Suite 200 is hard to find",
  "Been a patient since 2020",
  "We waited from 9 to 11",
  "Press 1 then 2 to reach scheduling, it is confusing",
  "May I suggest a better hold message?",
  "You may want to fix the phone tree",
  "As an MS patient I need a closer parking spot",
  "Thank you for the 3 reminders",
  "Two 15 minute waits are fine",
  "The desk staff were great, Dr. visits were quick",
];

describe("the comment scrubber", () => {
  for (const [input, expected] of REDACT) {
    it(`redacts ${JSON.stringify(input)}`, () => {
      expect(scrubComment(input).text).toBe(expected);
    });
  }

  for (const input of KEEP) {
    it(`leaves ${JSON.stringify(input)} alone`, () => {
      const result = scrubComment(input);
      expect(result.text).toBe(input);
      expect(result.total).toBe(0);
    });
  }

  it("counts what it removed, by kind", () => {
    const result = scrubComment("Mrs. Alvarez (555-201-3344, ana@example.com) was seen 3/14, acct #12345.");
    expect(result.text).toBe("Mrs. [name] ([phone], [email]) was seen [date], acct #[number].");
    expect(result.redactions).toEqual({ name: 1, phone: 1, email: 1, date: 1, number: 1 });
    expect(result.total).toBe(5);
    expect(describeRedactions(result.redactions)).toBe("1 name, 1 phone number, 1 email address, 1 date, 1 record or account number");
  });

  it("leaves a scrubbed comment as it is", () => {
    for (const [input] of REDACT) {
      const once = scrubComment(input).text;
      expect(scrubComment(once)).toEqual({ text: once, redactions: {}, total: 0 });
    }
  });

  it("splits marks from text so a page can show them", () => {
    expect(splitMarks("Hi [name], call [phone].")).toEqual([
      { text: "Hi ", mark: false },
      { text: "[name]", mark: true },
      { text: ", call ", mark: false },
      { text: "[phone]", mark: true },
      { text: ".", mark: false },
    ]);
  });
});
