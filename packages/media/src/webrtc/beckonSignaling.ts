import type { RtcSignal } from './signal.js';
import type { RoomSignaling, RoomSignalingFactory } from './signaling.js';

/**
 * What the adapter needs from a Beckon `SignalingClient` (structural, so this package does not
 * depend on the signaling package): the media-room relay.
 */
export interface RoomRelay {
  sendRoomSignal(roomID: string, to: string, data: string): void;
  on(
    name: 'onRoomSignal',
    handler: (message: { readonly roomID: string; readonly from: string; readonly data: string }) => void,
  ): () => void;
}

type Wire = { k: 'hello' } | { k: 'here' } | { k: 'bye' } | { k: 'msg'; m: unknown };

function read(data: string): Wire | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return undefined;
    const k = (value as { k?: unknown }).k;
    if (k === 'hello' || k === 'here' || k === 'bye') return { k };
    if (k === 'msg' && 'm' in value) return { k, m: (value as { m: unknown }).m };
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * `RoomSignaling` over the Beckon server's media-room relay. The relay has no presence, so the
 * members announce themselves: `hello` on joining (to the users `members` lists then), answered
 * by `here` from whoever is already in; `bye` on leaving. Whom to accept is the server's call. The server relays only between the parties of an answered call (or
 * the members of a `group:` room), so a hello sent before the call was answered is dropped, and
 * the other side's hello, once it joins, starts the exchange.
 *
 * @example
 * const room = new WebRtcRoom({ signaling: beckonRoomSignaling(client, () => [call.peer]) });
 * await room.join(call.roomID, myUserID);
 */
export function beckonRoomSignaling(
  relay: RoomRelay,
  members: (roomID: string) => readonly string[],
): RoomSignalingFactory {
  return (roomID) => {
    const present = new Set<string>();
    const messageHandlers = new Set<(from: string, message: unknown) => void>();
    const memberHandlers = new Set<(userID: string, present: boolean) => void>();
    const send = (to: string, wire: Wire) => relay.sendRoomSignal(roomID, to, JSON.stringify(wire));
    const mark = (userID: string, here: boolean) => {
      if (here === present.has(userID)) return;
      if (here) present.add(userID);
      else present.delete(userID);
      for (const handler of memberHandlers) handler(userID, here);
    };
    const off = relay.on('onRoomSignal', ({ roomID: room, from, data }) => {
      // The server relays only between the call's parties (or the group's members), so whoever
      // it delivers from belongs here, even one who joined after `members` was last read.
      if (room !== roomID) return;
      const wire = read(data);
      if (wire === undefined) return;
      if (wire.k === 'hello') {
        send(from, { k: 'here' });
        mark(from, true);
      } else if (wire.k === 'here') mark(from, true);
      else if (wire.k === 'bye') mark(from, false);
      else for (const handler of messageHandlers) handler(from, wire.m);
    });
    for (const peer of members(roomID)) send(peer, { k: 'hello' });
    const signaling: RoomSignaling = {
      send(to: string, message: RtcSignal) {
        send(to, { k: 'msg', m: message });
      },
      onMessage(handler) {
        messageHandlers.add(handler);
        return () => messageHandlers.delete(handler);
      },
      onMember(handler) {
        memberHandlers.add(handler);
        for (const userID of present) handler(userID, true);
        return () => memberHandlers.delete(handler);
      },
      close() {
        for (const peer of new Set([...members(roomID), ...present])) send(peer, { k: 'bye' });
        off();
        for (const userID of [...present]) mark(userID, false);
      },
    };
    return signaling;
  };
}
