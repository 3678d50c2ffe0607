import { BeckonProvider, createHttpApi } from '@beckon/react';
import { type FormEvent, useMemo, useState } from 'react';
import { Phone } from './Phone.js';
import { type Session, signIn } from './session.js';

/** `?ring=SECONDS` shortens how long calls ring (the end-to-end tests use it). */
const ring = Number(new URLSearchParams(location.search).get('ring'));
const callOptions = ring > 0 ? { ringTimeoutSeconds: ring } : {};

export function App() {
  const [session, setSession] = useState<Session>();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const api = useMemo(
    () => (session ? createHttpApi({ baseUrl: '', token: session.token }) : undefined),
    [session],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setSession(await signIn(name.trim()));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (!session || !api) {
    return (
      <main className="demo">
        <h1>Beckon call demo</h1>
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
    <BeckonProvider client={session.client} api={api} callOptions={callOptions}>
      <Phone session={session} />
    </BeckonProvider>
  );
}
