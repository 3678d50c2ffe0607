import {
  type BeckonCallOptions,
  BeckonProvider,
  createHttpApi,
  type UseGroupCallOptions,
} from '@beckon/react';
import { tuiCallKitInterop } from '@beckon/signaling/call';
import { type FormEvent, useMemo, useState } from 'react';
import { readDemoMode } from './config.js';
import { Phone } from './Phone.js';
import { type Session, signIn, signInTencent, trtcRoomNumber } from './session.js';

/** This build's mode: Tencent Cloud Chat when built with its SDKAppID and UserSig endpoint. */
const demoMode = readDemoMode(import.meta.env);
// vite.config.ts stops a misconfigured build; this only guards a build made some other way.
if (demoMode.kind === 'misconfigured') throw new Error(demoMode.message);

/**
 * `?ring=SECONDS` shortens how long calls ring; `?grace=SECONDS`, how long a call waits for a
 * peer whose media left (the end-to-end tests use both).
 */
const query = new URLSearchParams(location.search);
const ring = Number(query.get('ring'));
const grace = Number(query.get('grace'));

const callOptions: BeckonCallOptions = {
  // TUICallKit's mid-call switch to audio, on the Beckon server too (Tencent mode has it anyway).
  interop: tuiCallKitInterop,
  ...(ring > 0 ? { ringTimeoutSeconds: ring } : {}),
  ...(grace > 0 ? { remoteLeaveGraceMs: grace * 1000 } : {}),
  ...(demoMode.kind === 'tencent' ? { newRoomID: trtcRoomNumber } : {}),
};

/** The same for group calls. */
const groupOptions: UseGroupCallOptions = {
  ...(ring > 0 ? { ringTimeoutSeconds: ring } : {}),
  ...(grace > 0 ? { remoteLeaveGraceMs: grace * 1000 } : {}),
  ...(demoMode.kind === 'tencent' ? { newRoomID: trtcRoomNumber } : {}),
};

function start(userID: string): Promise<Session> {
  return demoMode.kind === 'tencent' ? signInTencent(userID, demoMode.config) : signIn(userID);
}

export function App() {
  const [session, setSession] = useState<Session>();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const api = useMemo(
    () => (session?.mode === 'beckon' ? createHttpApi({ baseUrl: '', token: session.token }) : undefined),
    [session],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setSession(await start(name.trim()));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (!session) {
    return (
      <main className="demo">
        <h1>Beckon call demo</h1>
        {demoMode.kind === 'tencent' && (
          <p data-testid="mode">
            On Tencent Cloud Chat (SDKAppID {demoMode.config.sdkAppId}): calls ring TUICallKit apps of the
            same app, and media go through TRTC.
          </p>
        )}
        <form onSubmit={submit} className="demo-signin">
          <label htmlFor="name">Your name</label>
          <input
            id="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            required
          />
          <button type="submit" className="beckon-button" data-variant="accept">
            Sign in
          </button>
          {error && <p role="alert">{error}</p>}
        </form>
      </main>
    );
  }
  return (
    <BeckonProvider client={session.client} {...(api ? { api } : {})} callOptions={callOptions}>
      <Phone session={session} groupOptions={groupOptions} />
    </BeckonProvider>
  );
}
