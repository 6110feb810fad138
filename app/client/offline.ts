// The browser side of reading offline (the service worker is public/sw.js):
// - registers the service worker, from this bundle rather than an inline script (the CSP allows
//   scripts only by nonce or from our own origin);
// - shows each page's "You are offline" note while the connection is down;
// - refuses to send a form while offline and says why: a quiz is graded on the server only, and
//   nothing is queued to be sent later;
// - on the sign-in page, tells the service worker to forget the last person's lessons.

/** Elements rendered hidden, shown while offline. */
const OFFLINE_NOTE = "[data-offline-note]";
/** Shown in a form whose sending was refused because the connection is down. */
const NOT_SENT = "[data-offline-not-sent]";

function showOfflineNotes(): void {
  for (const note of document.querySelectorAll<HTMLElement>(OFFLINE_NOTE)) note.hidden = navigator.onLine;
}

export function startOfflineSupport(): void {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // Without a service worker (a plain-HTTP address, a private window) the app works as before, online.
    });
    if (window.location.pathname === "/login") navigator.serviceWorker.controller?.postMessage("forget-lessons");
  }
  window.addEventListener("online", showOfflineNotes);
  window.addEventListener("offline", showOfflineNotes);
  // Pages change without a reload: check again whenever the document's content changes.
  new MutationObserver(() => {
    if (!navigator.onLine) showOfflineNotes();
  }).observe(document.body, { childList: true, subtree: true });
  showOfflineNotes();

  // Capture on window runs before React's own submit handling (on the document), so an offline
  // form never starts a navigation that could only fail.
  window.addEventListener(
    "submit",
    (event) => {
      if (navigator.onLine) {
        for (const note of document.querySelectorAll<HTMLElement>(NOT_SENT)) note.hidden = true;
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const form = event.target instanceof HTMLFormElement ? event.target : null;
      const note = form?.querySelector<HTMLElement>(NOT_SENT);
      if (note) {
        note.hidden = false;
        note.focus();
      } else {
        window.alert("You are offline. Nothing was sent: try again when you are back online.");
      }
    },
    true,
  );
}
