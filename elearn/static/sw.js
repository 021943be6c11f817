// elearn's service worker: the installable app, and learning without a connection.
// Served as /sw.js by elearn/offline/routes.py, which puts self.ELEARN before this
// file: root (where the app is mounted), login (the sign-in page), shell (static
// files and the offline page, stored at install) and version (names their cache).
//
// A normal page view is not slowed down: a navigation goes to the network (navigation
// preload starts the request while this worker wakes up), and a saved copy or the
// offline page stands in only when the network cannot answer. Requests other than
// navigations, static files and saved course files pass through untouched.
//
// Per account (the server's offline key, "u42"): a cache of saved pages and files,
// and in IndexedDB the saved courses, the lessons opened offline, the answers of a
// quiz taken offline and the queue of what was done offline. Signing out, or another
// account signing in, removes the previous account's data. See docs/offline.md.
"use strict";

const E = self.ELEARN;
const SHELL = "elearn-shell-" + E.version;
const PAGES = "elearn-pages-";
const DB_NAME = "elearn-offline";
const SYNC_TAG = "elearn-queue";
// A saved page is shown when the network has not answered within this time.
const NETWORK_WAIT_MS = 6000;
// Saved courses are compared with the server's at most this often.
const REFRESH_EVERY_MS = 60 * 1000;
const OFFLINE_PAGE = E.shell[E.shell.length - 1];

// --- IndexedDB ---------------------------------------------------------------------

let dbPromise = null;
function openDb() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("state", { keyPath: "name" });
      for (const name of ["courses", "opened", "answers"]) {
        db.createObjectStore(name, { keyPath: ["user", "path"] }).createIndex("user", "user");
      }
      for (const name of ["queue", "notices"]) {
        db.createObjectStore(name, { keyPath: "key" }).createIndex("user", "user");
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Deleted or upgraded elsewhere (site data cleared): open afresh next time.
      db.onversionchange = () => { db.close(); dbPromise = null; };
      db.onclose = () => { dbPromise = null; };
      resolve(db);
    };
    request.onerror = () => { dbPromise = null; reject(request.error); };
  });
  return dbPromise;
}

async function run(name, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = work(transaction.objectStore(name));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}
const get = (name, key) => run(name, "readonly", (store) => store.get(key));
const put = (name, value) => run(name, "readwrite", (store) => store.put(value));
const remove = (name, key) => run(name, "readwrite", (store) => store.delete(key));
const byUser = (name, user) => run(name, "readonly", (store) => store.index("user").getAll(user));
function dropUser(name, user) {
  return run(name, "readwrite", (store) => {
    store.index("user").openKeyCursor(IDBKeyRange.only(user)).onsuccess = (event) => {
      const cursor = event.target.result;
      if (cursor) { store.delete(cursor.primaryKey); cursor.continue(); }
    };
  });
}

// --- whose data this is ------------------------------------------------------------

let knownUserCache; // undefined until read; null: nobody's data is kept
let savedPathsCache = null; // the paths of the known account's saved pages

async function knownUser() {
  if (knownUserCache === undefined) {
    const state = await get("state", "user");
    knownUserCache = state ? state.value : null;
  }
  return knownUserCache;
}

// The account signed in is ``user`` (null: nobody): another account's data goes.
async function setUser(user) {
  const before = await knownUser();
  if (before && before !== user) await forget(before);
  knownUserCache = user || null;
  await put("state", { name: "user", value: knownUserCache });
}

async function forget(user) {
  await caches.delete(PAGES + user);
  for (const name of ["courses", "opened", "answers", "queue", "notices"]) {
    await dropUser(name, user);
  }
  savedPathsCache = null;
}

async function savedPaths() {
  if (savedPathsCache) return savedPathsCache;
  const paths = new Set();
  const user = await knownUser();
  if (user) {
    for (const course of await byUser("courses", user)) {
      course.pages.forEach((path) => paths.add(path));
    }
  }
  savedPathsCache = paths;
  return paths;
}

// Who is signed in now, asked of the server; null without a connection.
async function checkSession() {
  try {
    const response = await fetch(E.root + "/offline/session",
      { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return null;
    const state = await response.json();
    await setUser(state.user);
    return state;
  } catch (error) {
    return null;
  }
}

// --- install and update ------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(E.shell))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("elearn-shell-") && name !== SHELL) await caches.delete(name);
    }
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

// --- requests ----------------------------------------------------------------------

const COMPLETE = /^\/courses\/([a-z0-9-]+)\/([a-z0-9-]+)\/complete$/;
const COURSE_FILE = /^\/courses\/[a-z0-9-]+\/files\//;

function appPath(url) {
  return url.pathname.startsWith(E.root) ? url.pathname.slice(E.root.length) : null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = appPath(url);
  if (path === null) return;
  if (request.mode === "navigate") {
    if (request.method === "GET") {
      event.respondWith(navigate(event, url));
    } else if (path === "/logout" || path === "/account/sign-out-everywhere") {
      event.respondWith(signOut(event, path === "/logout"));
    } else if (url.pathname === E.login) {
      event.respondWith(signIn(event));
    } else if (COMPLETE.test(path)) {
      event.respondWith(complete(event, url, path.match(COMPLETE)));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (path.startsWith("/static/")) {
    event.respondWith(caches.open(SHELL).then((cache) => cache.match(request))
      .then((hit) => hit || fetch(request)));
  } else if (COURSE_FILE.test(path)) {
    event.respondWith(savedFile(request, url));
  }
});

async function savedFile(request, url) {
  const user = await knownUser();
  const hit = user && await (await caches.open(PAGES + user)).match(url.pathname);
  return hit || fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

async function offlinePage() {
  const cache = await caches.open(SHELL);
  return (await cache.match(OFFLINE_PAGE)) ||
    new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

async function savedCopy(path) {
  const user = await knownUser();
  if (!user) return null;
  return (await caches.open(PAGES + user)).match(path);
}

async function navigate(event, url) {
  const network = (async () => (await event.preloadResponse) || fetch(event.request))();
  const saved = (await savedPaths()).has(url.pathname);
  try {
    const response = saved ? await withTimeout(network, NETWORK_WAIT_MS) : await network;
    // The sign-in page, or a saved page answered by a redirect (to sign in): has
    // the session ended? Then the account's data goes.
    if (url.pathname === E.login || (saved && response.type === "opaqueredirect")) {
      event.waitUntil(checkSession());
    }
    return response;
  } catch (error) {
    return (saved && await savedCopy(url.pathname)) || offlinePage();
  }
}

// Signing out (here, or on every device) removes everything offline mode kept on the
// device, and this worker with it, once the server has ended the session: the next
// person on the device starts as if offline mode had never been used. Without a
// connection the session goes on, and so does the data.
async function signOut(event, guarded) {
  // Work done offline and not sent yet would go with the data: send it first, and if
  // it cannot be sent, ask (a page of the server's) before signing out anyway.
  const user = await knownUser();
  if (guarded && user) {
    const form = await event.request.clone().formData().catch(() => null);
    if (!form || form.get("discard") !== "1") {
      await flush();
      if ((await byUser("queue", user)).length) {
        return Response.redirect(E.root + "/offline/sign-out", 303);
      }
    }
  }
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    return offlinePage();
  }
  const state = await checkSession();
  if (!state || !state.user) await forgetEverything();
  return response;
}

async function forgetEverything() {
  const user = await knownUser();
  if (user) await forget(user);
  for (const name of await caches.keys()) {
    if (name.startsWith("elearn-")) await caches.delete(name);
  }
  if (dbPromise) (await dbPromise).close();
  dbPromise = null;
  knownUserCache = undefined;
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
  await self.registration.unregister();
}

async function signIn(event) {
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    return offlinePage();
  }
  await checkSession(); // another account's data goes before the first page shows
  return response;
}

// "Mark as completed" without a connection: kept on the device, sent later.
async function complete(event, url, match) {
  const request = event.request;
  try {
    return await fetch(request.clone());
  } catch (error) {
    const lesson = url.pathname.slice(0, -"/complete".length);
    const user = await knownUser();
    if (user) await queueCompletion(user, { course: match[1], module: match[2], path: lesson });
    return Response.redirect(lesson, 303);
  }
}

// --- the queue -----------------------------------------------------------------------

function newKey() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

async function enqueue(user, body, extra) {
  const key = newKey();
  const item = Object.assign({ key, user, created: new Date().toISOString(),
    body: Object.assign({ key, user }, body) }, extra);
  await put("queue", item);
  try {
    if (self.registration.sync) await self.registration.sync.register(SYNC_TAG);
  } catch (error) { /* no Background Sync: sent at the next page load */ }
  flush();
  return item;
}

async function queueCompletion(user, lesson) {
  const queued = (await byUser("queue", user)).find(
    (item) => item.kind === "completion" && item.path === lesson.path);
  if (queued) return queued;
  const opened = await get("opened", [user, lesson.path]);
  return enqueue(user, { kind: "completion", course: lesson.course, module: lesson.module,
    done_at: new Date().toISOString(), opened_at: opened ? opened.at : null,
    since: lesson.since || "" },
  { kind: "completion", path: lesson.path, title: lesson.title || "" });
}

async function queueQuiz(user, quiz) {
  const queued = (await byUser("queue", user)).find(
    (item) => item.kind === "quiz" && item.path === quiz.path);
  if (queued) return queued;
  const opened = await get("opened", [user, quiz.path]);
  const now = new Date().toISOString();
  const item = await enqueue(user, { kind: "quiz", course: quiz.course, module: quiz.module,
    ticket: quiz.ticket, answers: quiz.answers, started_at: opened ? opened.at : now,
    done_at: now }, { kind: "quiz", path: quiz.path, title: quiz.title || "" });
  await remove("answers", [user, quiz.path]);
  return item;
}

let flushing = null;
function flush() {
  if (!flushing) flushing = sendQueue().finally(() => { flushing = null; });
  return flushing;
}

async function sendQueue() {
  const user = await knownUser();
  if (!user) return;
  const items = (await byUser("queue", user)).sort((a, b) => (a.created < b.created ? -1 : 1));
  if (!items.length) return;
  const state = await checkSession();
  if (!state || state.user !== user) return; // signed out: it waits (or is gone)
  for (const item of items) {
    let response, data;
    try {
      response = await fetch(E.root + "/offline/sync", {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", "X-CSRFToken": state.csrf },
        body: JSON.stringify(item.body),
      });
      if ((response.headers.get("Content-Type") || "").indexOf("json") < 0) return;
      data = await response.json();
    } catch (error) {
      return; // the connection went again: the rest waits
    }
    if (response.status >= 500) return; // asked to send it again later
    await remove("queue", item.key);
    await put("notices", { key: item.key, user, status: data.status, text: data.message,
      url: data.url, at: new Date().toISOString() });
  }
  await refresh(true);
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(flush());
});

// --- saving courses ------------------------------------------------------------------

async function saveCourse(slug, attachments, progress) {
  const response = await fetch(E.root + "/offline/courses/" + encodeURIComponent(slug),
    { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  if ((response.headers.get("Content-Type") || "").indexOf("json") < 0) {
    throw new Error("HTTP " + response.status);
  }
  const pack = await response.json();
  if (!response.ok) throw new Error(pack.error || "HTTP " + response.status);
  await setUser(pack.user);
  const files = pack.files.filter((file) => attachments || !file.attachment);
  const jobs = pack.pages.map((page) => ({ path: page.path, url: page.copy }))
    .concat(files.map((file) => ({ path: file.path, url: file.path })));
  const cache = await caches.open(PAGES + pack.user);
  const before = await get("courses", [pack.user, pack.path]);
  const stored = [];
  let bytes = 0;
  try {
    for (const job of jobs) {
      const answer = await fetch(job.url, { credentials: "same-origin", cache: "no-store" });
      if (!answer.ok || answer.redirected) throw new Error("HTTP " + answer.status);
      const body = await answer.blob();
      const headers = { "Content-Type": answer.headers.get("Content-Type") || "" };
      const disposition = answer.headers.get("Content-Disposition");
      if (disposition) headers["Content-Disposition"] = disposition;
      await cache.put(job.path, new Response(body, { headers }));
      bytes += body.size;
      stored.push(job.path);
      progress({ done: stored.length, total: jobs.length });
    }
  } catch (error) {
    if (!before) for (const path of stored) await cache.delete(path);
    throw error;
  }
  if (before) {
    for (const path of before.pages.concat(before.files)) {
      if (stored.indexOf(path) < 0) await cache.delete(path);
    }
  }
  const record = { user: pack.user, path: pack.path, slug: pack.slug, title: pack.title,
    version: pack.version, saved_at: new Date().toISOString(), bytes, attachments: !!attachments,
    attachment_bytes: pack.files.filter((f) => f.attachment).reduce((n, f) => n + f.bytes, 0),
    pages: pack.pages.map((page) => page.path), files: files.map((file) => file.path),
    modules: pack.modules };
  await put("courses", record);
  savedPathsCache = null;
  return record;
}

async function removeCourse(user, path) {
  const record = await get("courses", [user, path]);
  if (!record) return;
  const cache = await caches.open(PAGES + user);
  for (const page of record.pages.concat(record.files)) {
    await cache.delete(page);
    await remove("opened", [user, page]);
    await remove("answers", [user, page]);
  }
  await remove("courses", [user, path]);
  savedPathsCache = null;
}

// Saved courses that changed on the server are saved again; those the learner may no
// longer keep (unpublished, no longer assigned) are removed.
async function refresh(now) {
  const user = await knownUser();
  if (!user) return;
  const courses = await byUser("courses", user);
  if (!courses.length) return;
  const last = await get("state", "refreshed");
  if (!now && last && Date.now() - last.value < REFRESH_EVERY_MS) return;
  await put("state", { name: "refreshed", value: Date.now() });
  let data;
  try {
    const query = courses.map((c) => "c=" + encodeURIComponent(c.slug)).join("&");
    const response = await fetch(E.root + "/offline/versions?" + query,
      { credentials: "same-origin", cache: "no-store" });
    if ((response.headers.get("Content-Type") || "").indexOf("json") < 0) return;
    data = await response.json();
  } catch (error) {
    return;
  }
  if (data.user !== user) return;
  for (const course of courses) {
    const version = data.versions[course.slug];
    if (version === null) {
      await removeCourse(user, course.path);
    } else if (version && version !== course.version) {
      try { await saveCourse(course.slug, course.attachments, () => {}); } catch (error) { /* next time */ }
    }
  }
}

// --- what pages ask ------------------------------------------------------------------

async function summary(user) {
  if (!user) return { user: null, courses: [], queue: [], notices: [] };
  const queue = await byUser("queue", user);
  return {
    user,
    courses: (await byUser("courses", user)).map((c) => ({ slug: c.slug, path: c.path,
      title: c.title, saved_at: c.saved_at, bytes: c.bytes, attachments: c.attachments,
      attachment_bytes: c.attachment_bytes })),
    queue: queue.map((item) => ({ kind: item.kind, path: item.path, title: item.title,
      created: item.created })),
    notices: await byUser("notices", user),
  };
}

async function answer(message, progress) {
  // A page signed in as another account than the one whose data is kept: that data goes.
  if (message.user !== undefined && message.user !== null) {
    if (message.user !== await knownUser()) await setUser(message.user);
  }
  const user = await knownUser();
  switch (message.type) {
    case "state":
      return summary(user);
    case "save":
      await saveCourse(message.slug, message.attachments, progress);
      return summary(await knownUser());
    case "remove":
      if (user) await removeCourse(user, message.path);
      return summary(user);
    case "opened": {
      if (!user) return null;
      const known = await get("opened", [user, message.path]);
      if (known) return known;
      const record = { user, path: message.path, at: new Date().toISOString() };
      await put("opened", record);
      return record;
    }
    case "keep-answers":
      if (user) await put("answers", { user, path: message.path, pairs: message.pairs });
      return null;
    case "answers":
      return user ? (await get("answers", [user, message.path])) || null : null;
    case "queue-completion":
      return user ? queueCompletion(user, message) : null;
    case "queue-quiz":
      return user ? queueQuiz(user, message) : null;
    case "queue-attempt":
      return user ? enqueue(user, { kind: "attempt", course: message.course,
        module: message.module, attempt: message.attempt, answers: message.answers,
        done_at: new Date().toISOString() },
      { kind: "attempt", path: message.path, title: message.title || "" }) : null;
    case "seen":
      for (const key of message.keys || []) await remove("notices", key);
      return null;
    case "flush":
      await flush();
      await refresh(false);
      return summary(await knownUser());
    default:
      return null;
  }
}

self.addEventListener("message", (event) => {
  const port = event.ports && event.ports[0];
  const message = event.data || {};
  const progress = (value) => { if (port) port.postMessage({ progress: value }); };
  event.waitUntil(answer(message, progress).then(
    (result) => { if (port) port.postMessage({ result }); },
    (error) => {
      if (port) port.postMessage({ error: (error && error.name === "QuotaExceededError")
        ? "quota" : String((error && error.message) || error) });
    }));
});
