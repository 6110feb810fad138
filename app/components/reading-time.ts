import { useEffect, useRef } from "react";

const BEAT_SECONDS = 15;
const IDLE_AFTER_MS = 60_000;

/**
 * While the page is visible and the learner has done something in the last minute, report
 * reading time every 15 seconds. Marks the form so the server does not count the time twice.
 */
export function useReadingTime(lessonSlug: string) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (field.current) field.current.value = "1";
    let lastActive = Date.now();
    const active = () => {
      lastActive = Date.now();
    };
    const events = ["pointerdown", "keydown", "scroll", "pointermove"] as const;
    for (const e of events) window.addEventListener(e, active, { passive: true });
    const timer = window.setInterval(() => {
      if (document.visibilityState !== "visible" || Date.now() - lastActive > IDLE_AFTER_MS) return;
      const body = new FormData();
      body.set("seconds", String(BEAT_SECONDS));
      void fetch(`/lessons/${lessonSlug}/time`, { method: "POST", body, keepalive: true }).catch(() => undefined);
    }, BEAT_SECONDS * 1000);
    return () => {
      window.clearInterval(timer);
      for (const e of events) window.removeEventListener(e, active);
    };
  }, [lessonSlug]);
  return field;
}
