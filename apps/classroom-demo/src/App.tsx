import { BeckonProvider, createHttpApi } from '@beckon/react';
import { type FormEvent, useMemo, useState } from 'react';
import { Classroom } from './Classroom.js';
import { codeFromLink, createClass, joinClass, resume, type Session, signOut } from './session.js';

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
  const linked = codeFromLink();
  const [name, setName] = useState('');
  const [className, setClassName] = useState('');
  const [code, setCode] = useState(linked);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = (make: () => Promise<Session>) => async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const session = await make();
      // The join link has done its job; a reload should not offer it again.
      if (linked) history.replaceState(null, '', location.pathname);
      onSession(session);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const nameField = (
    <div className="landing-field landing-name">
      <label htmlFor="name">Your name</label>
      <input
        id="name"
        className="demo-input"
        value={name}
        autoComplete="nickname"
        // Enter in the name submits the form offered first (joining, when opened from a join link).
        form={linked ? 'join' : 'teach'}
        // biome-ignore lint/a11y/noAutofocus: the page is a sign-in form; the name comes first
        autoFocus
        onChange={(e) => setName(e.target.value)}
        required
      />
    </div>
  );
  const join = (
    <form
      id="join"
      onSubmit={run(() => joinClass(name.trim(), code.trim()))}
      className="beckon-panel landing-card"
    >
      <h2 className="beckon-title">{linked ? 'Join the class' : 'Learn'}</h2>
      <p className="beckon-note">
        {linked
          ? 'You were invited with a join link. Enter your name.'
          : 'Join with the code your teacher gives you.'}
      </p>
      <div className="landing-field">
        <label htmlFor="code">Join code</label>
        <input
          id="code"
          className="demo-input landing-code"
          value={code}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setCode(e.target.value)}
        />
      </div>
      <button
        type="submit"
        className="beckon-button"
        data-variant="accept"
        disabled={busy || !name.trim() || !code.trim()}
      >
        Join the class
      </button>
    </form>
  );
  const teach = (
    <form
      id="teach"
      onSubmit={run(() => createClass(name.trim(), className.trim() || 'My class'))}
      className="beckon-panel landing-card"
    >
      <h2 className="beckon-title">Teach</h2>
      <p className="beckon-note">Create a class and share its code or link.</p>
      <div className="landing-field">
        <label htmlFor="class">Class name</label>
        <input
          id="class"
          className="demo-input"
          value={className}
          placeholder="My class"
          onChange={(e) => setClassName(e.target.value)}
        />
      </div>
      <button type="submit" className="beckon-button" data-variant="accept" disabled={busy || !name.trim()}>
        Create a class
      </button>
    </form>
  );
  return (
    <main className="demo landing">
      <header>
        <h1>Beckon classroom</h1>
        <p className="beckon-note">Raise hands, invite a student to speak, see and hear the teacher.</p>
      </header>
      {nameField}
      <div className="landing-cards">
        {linked ? join : teach}
        {linked ? teach : join}
      </div>
      {error && (
        <p role="alert" className="landing-error">
          {error}
        </p>
      )}
    </main>
  );
}
