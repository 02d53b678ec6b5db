// A job Worker that acknowledges the job and then dies, as one killed by an
// out-of-memory guest does (Chromium cannot be made to do that on demand).
self.onmessage = (event: MessageEvent<{ id: number }>) => {
  self.postMessage({ id: event.data.id, kind: "started" });
  setTimeout(() => {
    throw new Error("worker died");
  }, 10);
};
