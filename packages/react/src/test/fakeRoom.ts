import type { MediaRoom, MediaRoomEvents } from '../mediaRoom.js';

type Handlers = { [E in keyof MediaRoomEvents]: Set<(...args: MediaRoomEvents[E]) => void> };

/** A media room without media: records what the hooks ask of it and lets a test emit its events. */
export class FakeRoom implements MediaRoom {
  readonly calls: string[] = [];
  readonly #handlers: Handlers = {
    remoteUserEntered: new Set(),
    remoteUserLeft: new Set(),
    remoteStream: new Set(),
    remoteMedia: new Set(),
    localStream: new Set(),
    failed: new Set(),
  };

  join(roomID: string, userID: string): Promise<void> {
    this.calls.push(`join ${roomID} ${userID}`);
    return Promise.resolve();
  }

  publish(options: { readonly audio?: boolean; readonly video?: boolean } = {}): Promise<MediaStream> {
    this.calls.push(`publish audio=${options.audio ?? true} video=${options.video ?? true}`);
    return Promise.resolve({ id: 'local' } as MediaStream);
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.calls.push(`microphone ${enabled}`);
    return Promise.resolve();
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    this.calls.push(`camera ${enabled}`);
    return Promise.resolve();
  }

  /** What `remoteMediaState` answers; `emit('remoteMedia', …)` keeps it in step. */
  readonly states = new Map<string, MediaRoomEvents['remoteMedia'][1]>();
  remoteMediaState(userID: string): MediaRoomEvents['remoteMedia'][1] | undefined {
    return this.states.get(userID);
  }

  switchDevice(kind: string, deviceId: string): Promise<void> {
    this.calls.push(`switch ${kind} ${deviceId}`);
    return Promise.resolve();
  }

  leave(): Promise<void> {
    this.calls.push('leave');
    return Promise.resolve();
  }

  on<E extends keyof MediaRoomEvents>(event: E, handler: (...args: MediaRoomEvents[E]) => void): () => void {
    const set = this.#handlers[event] as Set<(...args: MediaRoomEvents[E]) => void>;
    set.add(handler);
    return () => set.delete(handler);
  }

  emit<E extends keyof MediaRoomEvents>(event: E, ...args: MediaRoomEvents[E]): void {
    if (event === 'remoteMedia') {
      const [user, state] = args as MediaRoomEvents['remoteMedia'];
      this.states.set(user, state);
    }
    for (const handler of [...this.#handlers[event]])
      (handler as (...a: MediaRoomEvents[E]) => void)(...args);
  }
}
