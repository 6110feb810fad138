import { useNavigation } from "@remix-run/react";

/**
 * Whether a form on this page is being sent, as the Epic Stack's useIsPending: buttons use it to
 * say so and to refuse a second click (the form works without JavaScript all the same). With an
 * `intent`, only the form sending that intent counts, until the page that follows it shows.
 */
export function useIsPending({ intent }: { intent?: string } = {}): boolean {
  const navigation = useNavigation();
  if (intent === undefined) return navigation.state === "submitting";
  return navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
}
