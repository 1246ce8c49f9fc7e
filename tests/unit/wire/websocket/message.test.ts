import assert from "node:assert/strict";
import { Opcode, type WebSocketFrame } from "../../../../src/wire/websocket/frame.ts";
import {
  formatClosePayload,
  parseClosePayload,
  WebSocketMessageAssembler,
} from "../../../../src/wire/websocket/message.ts";

const text = (s: string) => new TextEncoder().encode(s);
const frame = (fin: boolean, opcode: number, payload: Uint8Array): WebSocketFrame => ({
  fin,
  opcode,
  masked: false,
  payload,
});

Deno.test("message: RFC 6455 §5.7 fragmented 'Hel' + 'lo' becomes one text message", () => {
  const a = new WebSocketMessageAssembler();
  assert.equal(a.accept(frame(false, Opcode.text, text("Hel"))), undefined);
  assert.deepEqual(a.accept(frame(true, Opcode.continuation, text("lo"))), {
    kind: "text",
    data: text("Hello"),
  });
});

Deno.test("message: control frames pass through in the middle of a fragmented message", () => {
  const a = new WebSocketMessageAssembler();
  assert.equal(a.accept(frame(false, Opcode.binary, text("ab"))), undefined);
  assert.deepEqual(a.accept(frame(true, Opcode.ping, text("p"))), { kind: "ping", data: text("p") });
  assert.equal(a.accept(frame(false, Opcode.continuation, text("cd"))), undefined);
  assert.deepEqual(a.accept(frame(true, Opcode.pong, text(""))), { kind: "pong", data: text("") });
  assert.deepEqual(a.accept(frame(true, Opcode.continuation, text("ef"))), {
    kind: "binary",
    data: text("abcdef"),
  });
  // And the next message starts fresh.
  assert.deepEqual(a.accept(frame(true, Opcode.binary, text("x"))), { kind: "binary", data: text("x") });
});

Deno.test("message: fragmentation errors are SyntaxErrors", () => {
  assert.throws(
    () => new WebSocketMessageAssembler().accept(frame(true, Opcode.continuation, text("x"))),
    SyntaxError,
  );
  const a = new WebSocketMessageAssembler();
  a.accept(frame(false, Opcode.binary, text("x")));
  assert.throws(() => a.accept(frame(true, Opcode.binary, text("y"))), SyntaxError);
});

Deno.test("message: a message over the limit is a RangeError, even when each frame is small", () => {
  const a = new WebSocketMessageAssembler(10);
  a.accept(frame(false, Opcode.binary, new Uint8Array(6)));
  assert.throws(() => a.accept(frame(true, Opcode.continuation, new Uint8Array(5))), RangeError);
  assert.deepEqual(
    new WebSocketMessageAssembler(10).accept(frame(true, Opcode.binary, new Uint8Array(10)))?.kind,
    "binary",
  );
});

Deno.test("message: close frames carry a code and a UTF-8 reason", () => {
  const a = new WebSocketMessageAssembler();
  assert.deepEqual(a.accept(frame(true, Opcode.close, new Uint8Array(0))), {
    kind: "close",
    code: undefined,
    reason: "",
  });
  assert.deepEqual(a.accept(frame(true, Opcode.close, formatClosePayload(1001, "bye ✓"))), {
    kind: "close",
    code: 1001,
    reason: "bye ✓",
  });
});

Deno.test("message: invalid close bodies are SyntaxErrors", () => {
  assert.throws(() => parseClosePayload(new Uint8Array([0x03])), SyntaxError, "1-byte body");
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 2000, 5000]) {
    assert.throws(
      () => parseClosePayload(new Uint8Array([code >> 8, code & 0xff])),
      SyntaxError,
      `code ${code}`,
    );
  }
  assert.throws(() => parseClosePayload(new Uint8Array([0x03, 0xe8, 0xc3, 0x28])), SyntaxError, "bad UTF-8");
  assert.deepEqual(parseClosePayload(new Uint8Array([0x0f, 0xa0])), { code: 4000, reason: "" });
});

Deno.test("message: close reasons are cut on a character boundary to fit 125 bytes", () => {
  const body = formatClosePayload(1000, "é".repeat(100));
  assert.ok(body.length <= 125);
  assert.equal(parseClosePayload(body).reason, "é".repeat(61));
  assert.throws(() => formatClosePayload(1005), RangeError);
});
