/**
 * A student process of the load script: connects its share of the class, raises hands when the
 * coordinator says a round is open, and reports when each student's queue matched the authority's.
 * Started by load.ts with `fork`; talks to it over the IPC channel only.
 */
import {
  connectInBatches,
  cpuMs,
  createLoadClient,
  type FromStudents,
  holdAll,
  type LoadClient,
  releaseWhenQuiet,
  type StampQuality,
  sleep,
  type ToStudents,
  watchStamps,
} from './shared.js';

const send = (message: FromStudents) => process.send?.(message);

let clients: LoadClient[] = [];
/** The current burst's release (held messages handed on once the sockets are quiet). */
let released: Promise<StampQuality | undefined> = Promise.resolve(undefined);

function fail(error: unknown): void {
  send({ t: 'error', message: error instanceof Error ? error.message : String(error) });
}

/** Polls the trackers until `done` holds for all of them or the deadline passes. */
async function settle(done: (c: LoadClient) => boolean, deadline: number): Promise<void> {
  while (!clients.every(done) && Date.now() < deadline) await sleep(10);
}

async function raiseAll(message: Extract<ToStudents, { t: 'round' }>): Promise<void> {
  const { index, roundID, expected, jitterMs, hold, quietMs } = message;
  for (const c of clients) c.tracker.startRound(expected);
  let holding = false;
  const errors: string[] = [];
  let done = 0;
  const report = setInterval(() => send({ t: 'raising', index, done }), 1000);
  await Promise.all(
    clients.map(async (c) => {
      try {
        // The round reaches every student by the group fan-out; raise once it is in this view.
        while (c.client.getInvitation(roundID) === undefined) await sleep(5);
        await sleep(Math.random() * jitterMs);
        await c.student.raiseHand();
        // Raised: from now on this device only takes in the class's frames (held, stamped).
        if (hold) {
          if (!holding) watchStamps();
          holding = true;
          c.gate.hold();
        }
      } catch (error) {
        errors.push(`${c.client.userID}: ${error instanceof Error ? error.message : String(error)}`);
      }
      done++;
    }),
  );
  clearInterval(report);
  if (holding)
    released = releaseWhenQuiet(
      clients.map((c) => c.gate),
      quietMs,
    );
  send({ t: 'raised', index, errors });
}

process.on('message', (message: ToStudents) => {
  switch (message.t) {
    case 'init': {
      const { wsUrl, groupID, students, batch, connectTimeoutMs } = message;
      connectInBatches(
        students.length,
        batch,
        (i) => createLoadClient({ wsUrl, token: students[i]?.token ?? '', groupID }),
        Date.now() + connectTimeoutMs,
        (connected) => send({ t: 'progress', connected }),
      ).then((connected) => {
        clients = connected;
        send({ t: 'ready', connected: clients.length, cpuMs: cpuMs() });
      }, fail);
      break;
    }
    case 'round':
      raiseAll(message).catch(fail);
      break;
    case 'authority': {
      const { index, key, deadline } = message;
      for (const c of clients) c.tracker.setAuthority(key);
      const stamps = released;
      // Every client's view first, then the derivations (yielding, so late frames still flow).
      settle((c) => c.tracker.stamped !== undefined, deadline)
        .then(async () => {
          for (const c of clients) {
            c.tracker.verify();
            await new Promise((resolve) => setImmediate(resolve));
          }
        })
        .then(() => settle((c) => c.tracker.convergedAt !== undefined, deadline))
        .then(() => stamps)
        .then((quality) =>
          send({
            t: 'converged',
            index,
            at: clients.map((c) => c.tracker.convergedAt ?? null),
            own: clients.map((c) => c.tracker.ownConvergedAt ?? null),
            mismatched: clients.filter((c) => c.tracker.mismatched).length,
            ...(quality ? { stamps: quality } : {}),
          }),
        );
      break;
    }
    case 'hold':
      holdAll(clients.map((c) => c.gate));
      released = Promise.resolve(undefined);
      send({ t: 'holding' });
      break;
    case 'clear': {
      const { index, deadline, quietMs } = message;
      const held = clients.some((c) => c.gate.held);
      const stamps = held
        ? releaseWhenQuiet(
            clients.map((c) => c.gate),
            quietMs,
          )
        : Promise.resolve(undefined);
      stamps
        .then(async (quality) => {
          await settle((c) => c.tracker.markers === 0, deadline);
          send({
            t: 'cleared',
            index,
            at: clients.map((c) => (c.tracker.markers === 0 ? (c.tracker.clearedAt ?? null) : null)),
            own: clients.map((c) => (c.tracker.markers === 0 ? (c.tracker.ownClearedAt ?? null) : null)),
            cpuMs: cpuMs(),
            ...(quality ? { stamps: quality } : {}),
          });
        })
        .catch(fail);
      break;
    }
    case 'shutdown':
      for (const c of clients) c.client.close();
      clients = [];
      send({ t: 'closed' });
      // Let the IPC message leave, then go.
      setTimeout(() => process.exit(0), 50);
      break;
  }
});

// The coordinator died or disconnected: do not linger with open sockets.
process.on('disconnect', () => {
  for (const c of clients) c.client.close();
  process.exit(0);
});
