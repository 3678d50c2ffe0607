/**
 * A minimal STUN/TURN client over UDP (RFC 8489 / RFC 8656), enough to ask a TURN server for a
 * relay the way a browser does: Binding (is it up?) and Allocate with the long-term credential
 * mechanism (MESSAGE-INTEGRITY = HMAC-SHA1 keyed with MD5(username:realm:password)).
 * Tests use it to prove what coturn accepts and refuses, without a browser.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING = 0x0001;
const ALLOCATE = 0x0003;
const REFRESH = 0x0004;
const SUCCESS = 0x0100;

const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorRelayedAddress: 0x0016,
  realm: 0x0014,
  nonce: 0x0015,
  requestedTransport: 0x0019,
} as const;

interface StunMessage {
  readonly type: number;
  readonly transactionID: Buffer;
  readonly attributes: Map<number, Buffer>;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function encode(type: number, transactionID: Buffer, attributes: Buffer[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length + (integrityKey ? 24 : 0), 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionID.copy(header, 8);
  const message = Buffer.concat([header, body]);
  if (integrityKey === undefined) return message;
  const hmac = createHmac('sha1', integrityKey).update(message).digest();
  return Buffer.concat([message, attribute(ATTR.messageIntegrity, hmac)]);
}

function decode(packet: Buffer): StunMessage | undefined {
  if (packet.length < 20 || packet.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  const end = Math.min(packet.length, 20 + packet.readUInt16BE(2));
  while (offset + 4 <= end) {
    const type = packet.readUInt16BE(offset);
    const length = packet.readUInt16BE(offset + 2);
    attributes.set(type, packet.subarray(offset + 4, offset + 4 + length));
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: packet.readUInt16BE(0), transactionID: packet.subarray(8, 20), attributes };
}

function errorOf(message: StunMessage): { code: number; reason: string } | undefined {
  const value = message.attributes.get(ATTR.errorCode);
  if (value === undefined || value.length < 4) return undefined;
  return {
    code: ((value[2] ?? 0) & 0x7) * 100 + (value[3] ?? 0),
    reason: value.subarray(4).toString('utf8'),
  };
}

/** One UDP socket (a TURN allocation belongs to its address): requests answered in turn, resent on loss. */
class StunSocket {
  readonly #socket = createSocket('udp4');
  readonly #waiting = new Map<string, (message: StunMessage) => void>();

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.#socket.on('message', (packet) => {
      const message = decode(packet);
      const id = message?.transactionID.toString('hex');
      if (message !== undefined && id !== undefined) this.#waiting.get(id)?.(message);
    });
  }

  request(packet: Buffer, timeoutMs: number): Promise<StunMessage> {
    const id = packet.subarray(8, 20).toString('hex');
    return new Promise<StunMessage>((resolve, reject) => {
      const send = () => this.#socket.send(packet, this.port, this.host);
      const resend = setInterval(send, 250);
      const done = () => {
        clearInterval(resend);
        clearTimeout(timer);
        this.#waiting.delete(id);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no STUN answer from ${this.host}:${this.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, (message) => {
        done();
        resolve(message);
      });
      send();
    });
  }

  close(): void {
    this.#socket.close();
  }
}

/** True when a STUN server answers a Binding request on `host:port` (UDP). */
export async function stunBinding(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const socket = new StunSocket(host, port);
  try {
    const answer = await socket
      .request(encode(BINDING, randomBytes(12), []), timeoutMs)
      .catch(() => undefined);
    return answer?.type === (BINDING | SUCCESS);
  } finally {
    socket.close();
  }
}

export type AllocateResult =
  | { readonly ok: true; readonly relayedPort: number; readonly lifetimeSeconds: number }
  | { readonly ok: false; readonly code: number; readonly reason: string };

/**
 * Asks for a UDP relay with a username and password, as a browser's ICE agent does: a first
 * Allocate learns the realm and nonce (401), the second one is signed. A granted relay is
 * released again at once.
 */
export async function turnAllocate(
  host: string,
  port: number,
  credentials: { readonly username: string; readonly password: string },
  timeoutMs = 3000,
): Promise<AllocateResult> {
  const socket = new StunSocket(host, port);
  try {
    return await allocate(socket, credentials, timeoutMs);
  } finally {
    socket.close();
  }
}

async function allocate(
  socket: StunSocket,
  credentials: { readonly username: string; readonly password: string },
  timeoutMs: number,
): Promise<AllocateResult> {
  const udp = Buffer.from([17, 0, 0, 0]);
  const challenge = await socket.request(
    encode(ALLOCATE, randomBytes(12), [attribute(ATTR.requestedTransport, udp)]),
    timeoutMs,
  );
  const realm = challenge.attributes.get(ATTR.realm);
  const nonce = challenge.attributes.get(ATTR.nonce);
  if (realm === undefined || nonce === undefined) {
    const error = errorOf(challenge);
    return {
      ok: false,
      code: error?.code ?? 0,
      reason: error?.reason ?? 'no realm or nonce in the challenge',
    };
  }
  const key = createHash('md5')
    .update(`${credentials.username}:${realm.toString('utf8')}:${credentials.password}`)
    .digest();
  const signed = (type: number, extra: Buffer[]) =>
    encode(
      type,
      randomBytes(12),
      [
        ...extra,
        attribute(ATTR.username, Buffer.from(credentials.username, 'utf8')),
        attribute(ATTR.realm, realm),
        attribute(ATTR.nonce, nonce),
      ],
      key,
    );
  const answer = await socket.request(signed(ALLOCATE, [attribute(ATTR.requestedTransport, udp)]), timeoutMs);
  if (answer.type !== (ALLOCATE | SUCCESS)) {
    const error = errorOf(answer);
    return {
      ok: false,
      code: error?.code ?? 0,
      reason: error?.reason ?? `answer type 0x${answer.type.toString(16)}`,
    };
  }
  const relayed = answer.attributes.get(ATTR.xorRelayedAddress);
  const lifetime = answer.attributes.get(ATTR.lifetime);
  const relayedPort = relayed === undefined ? 0 : relayed.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  // Release it: a Refresh with lifetime 0.
  const zero = Buffer.alloc(4);
  await socket.request(signed(REFRESH, [attribute(ATTR.lifetime, zero)]), timeoutMs).catch(() => {});
  return { ok: true, relayedPort, lifetimeSeconds: lifetime?.readUInt32BE(0) ?? 0 };
}
