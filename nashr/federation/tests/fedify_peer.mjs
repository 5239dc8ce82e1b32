// A fediverse server that Nashr's tests talk to: Fedify (npm @fedify/fedify), an
// ActivityPub framework no one here wrote, on 127.0.0.1. Its inbox verifies every
// request's signature itself (Fedify refuses a bad one before any listener runs) and
// prints each activity it accepted as one JSON line; commands arrive on stdin, one JSON
// object a line: {"follow": "acct:fa@host"}, {"lookup": url}, {"reply": {...}}.
//
// The site under test listens on plain HTTP, so WebFinger's acct: lookup (which Fedify
// always makes over https) is pointed back at http for that one host, --plain-http HOST.
import http from "node:http";
import readline from "node:readline";
import {
  Accept, Create, Delete, Endpoints, Follow, Note, Person, PUBLIC_COLLECTION, Update,
  createFederation, generateCryptoKeyPair, lookupObject, lookupWebFinger, MemoryKvStore,
} from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { configure, getStreamSink } from "@logtape/logtape";
import { Writable } from "node:stream";

if (process.env.FEDIFY_DEBUG) {
  await configure({
    sinks: { stderr: getStreamSink(Writable.toWeb(process.stderr)) },
    loggers: [{ category: "fedify", lowestLevel: "debug", sinks: ["stderr"] },
              { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] }],
  });
}

// Fedify asks for Node 22; this machine has Node 20, which lacks only this method (a
// copy stands in for the move: the decoders that call it drop the original).
if (!ArrayBuffer.prototype.transfer) {
  ArrayBuffer.prototype.transfer = function transfer(length = this.byteLength) {
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
    return copy;
  };
}

const plainHost = process.argv[process.argv.indexOf("--plain-http") + 1];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol === "https:" && url.host === plainHost) {
    url.protocol = "http:";
    return realFetch(input instanceof Request ? new Request(url, input) : url, init);
  }
  return realFetch(input, init);
};

const say = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true,
  // Mastodon's signatures first (Fedify would otherwise try RFC 9421 and fall back).
  firstKnock: "draft-cavage-http-signatures-12",
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "reader") return null;
    const [pair] = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "A reader",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pair.cryptographicKey,
    });
  })
  .setKeyPairsDispatcher(async () => [keys]);

const received = (kind) => async (ctx, activity) => {
  say({ received: kind, verified: true, activity: await activity.toJsonLd({ format: "compact" }) });
};
federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, received("Accept"))
  .on(Create, received("Create"))
  .on(Update, received("Update"))
  .on(Delete, received("Delete"));

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const url = `http://${req.headers.host}${req.url}`;
  const request = new Request(url, {
    method: req.method,
    headers: req.headers,
    body: ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks),
  });
  const response = await federation.fetch(request, { contextData: undefined });
  if (!req.url.startsWith("/users/")) say({ answered: req.method, path: req.url, status: response.status });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});

server.listen(0, "127.0.0.1", () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const ctx = federation.createContext(new URL(base), undefined);
  say({ ready: base, actor: ctx.getActorUri("reader").href });

  const commands = readline.createInterface({ input: process.stdin });
  commands.on("line", async (line) => {
    const command = JSON.parse(line);
    try {
      if (command.follow) {
        const found = await lookupWebFinger(command.follow, { allowPrivateAddress: true });
        const self = found?.links?.find((l) => l.rel === "self" && l.type === "application/activity+json");
        const actor = await lookupObject(self.href, { documentLoader: ctx.documentLoader });
        say({ found: command.follow, subject: found.subject, actor: actor?.id?.href, type: actor?.constructor?.name,
              name: actor?.name?.toString(), icon: (await actor?.getIcon())?.url?.href, hasKey: (await actor?.getPublicKey()) != null,
              inbox: actor?.inboxId?.href, sharedInbox: actor?.endpoints?.sharedInbox?.href });
        await ctx.sendActivity({ identifier: "reader" }, actor, new Follow({
          id: new URL(`${base}/follows/1`), actor: ctx.getActorUri("reader"), object: actor.id,
        }));
        say({ sent: "Follow" });
      } else if (command.lookup) {
        const object = await lookupObject(command.lookup, { documentLoader: ctx.documentLoader });
        say({ looked_up: command.lookup, type: object?.constructor?.name, json: object ? await object.toJsonLd({ format: "compact" }) : null });
      } else if (command.reply) {
        const { to, inbox, inReplyTo, content, number } = command.reply;
        const note = new Note({
          id: new URL(`${base}/notes/${number}`), attribution: ctx.getActorUri("reader"),
          replyTarget: new URL(inReplyTo), content, url: new URL(`${base}/@reader/${number}`),
          to: PUBLIC_COLLECTION, published: Temporal.Now.instant(),
        });
        const recipient = { id: new URL(to), inboxId: new URL(inbox) };
        await ctx.sendActivity({ identifier: "reader" }, recipient, new Create({
          id: new URL(`${base}/notes/${number}/create`), actor: ctx.getActorUri("reader"), object: note,
          to: PUBLIC_COLLECTION,
        }));
        say({ sent: "Create" });
      }
    } catch (error) {
      say({ error: String(error?.stack ?? error) });
    }
  });
});
