import { BeckonProvider, createHttpApi } from '@beckon/react';
import { type FormEvent, useMemo, useState } from 'react';
import { Classroom } from './Classroom.js';
import { createClass, joinClass, resume, type Session, signOut } from './session.js';

export function App() {
  const [session, setSession] = useState<Session | undefined>(resume);
  const api = useMemo(
    () => (session ? createHttpApi({ baseUrl: '', token: session.token }) : undefined),
    [session],
  );
  if (!session || !api) return <Landing onSession={setSession} />;
  return (
    <BeckonProvider client={session.client} api={api}>
      <Classroom
        session={session}
        onLeave={() => {
          signOut();
          session.client.close();
          setSession(undefined);
        }}
      />
    </BeckonProvider>
  );
}

function Landing({ onSession }: { onSession: (s: Session) => void }) {
  const [name, setName] = useState('');
  const [className, setClassName] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const run = (make: () => Promise<Session>) => async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      onSession(await make());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <main className="demo">
      <h1>Beckon classroom demo</h1>
      <label htmlFor="name">Your name</label>
      <input
        id="name"
        className="demo-input"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <form
        onSubmit={run(() => createClass(name.trim(), className.trim() || 'My class'))}
        className="beckon-panel"
      >
        <h2 className="beckon-title">Teach</h2>
        <label htmlFor="class">Class name</label>
        <input
          id="class"
          className="demo-input"
          value={className}
          onChange={(e) => setClassName(e.target.value)}
        />
        <button type="submit" className="beckon-button" data-variant="accept" disabled={!name.trim()}>
          Create a class
        </button>
      </form>
      <form onSubmit={run(() => joinClass(name.trim(), code.trim()))} className="beckon-panel">
        <h2 className="beckon-title">Learn</h2>
        <label htmlFor="code">Join code</label>
        <input id="code" className="demo-input" value={code} onChange={(e) => setCode(e.target.value)} />
        <button
          type="submit"
          className="beckon-button"
          data-variant="accept"
          disabled={!name.trim() || !code.trim()}
        >
          Join the class
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
