import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The rules exist once, in packages/signaling/src/rules (guards.ts, events.ts, transition.ts).
// This test reads every other source file of the packages and apps and fails on code shaped
// like a rule written again: a runner must ask a guard instead.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface Shape {
  readonly rule: string;
  readonly pattern: RegExp;
  /** The guard to call instead. */
  readonly use: string;
}

const SHAPES: readonly Shape[] = [
  {
    rule: 'parameter checks of a command',
    pattern: /\bcheck(?:Timeout|InviteeList|Data)\s*\(/,
    use: 'checkInvite / checkAction / checkAddInvitees / timeoutOf',
  },
  {
    rule: 'who may answer (a pending invitee)',
    pattern:
      /(\w+)\.userID\s*===[^&|;]+&&\s*\1\.state\s*[!=]==\s*'pending'|\b(?:mine|me)\??\.state\s*[!=]==\s*'pending'/,
    use: 'canAnswer / checkAction',
  },
  {
    rule: 'which invitees a cancel or a timeout concerns',
    pattern: /\.filter\(\s*\(?\w+\)?\s*=>\s*\w+\.state\s*===\s*'pending'/,
    use: 'pendingAmong / dueInvitees',
  },
  {
    rule: 'which invitees are due',
    pattern: /\.deadline\s*<=|<=?\s*[\w.]*\.deadline\b(?!\s*\+)/,
    use: 'dueInvitees / nextDeadline',
  },
  {
    rule: 'what rings (glare)',
    pattern:
      /groupID\s*[!=]==\s*''[^;]*timeout\s*(?:>|<=)\s*0|timeout\s*(?:>|<=)\s*0[^;]*groupID\s*[!=]==\s*''/,
    use: 'isRinging / glareCallee / findRinging / checkGlare',
  },
  {
    rule: 'whether a delivery receipt is needed',
    pattern:
      /!\s*[\w?.]+\.delivered\b|[\w?]\.delivered\s*(?:&&|\|\||\)|\?[^.]|===\s*(?:true|false)|!==\s*(?:true|false))/,
    use: 'needsReceipt / receiptDue',
  },
  {
    rule: 'whether an invitation is replayed to a device that connects later',
    pattern: /!\s*[\w?.]+\.onlineUserOnly\b|[\w?]\.onlineUserOnly\s*(?:&&|\|\||\)\s*(?:continue|return))/,
    use: 'isReplayable / canSee',
  },
  {
    rule: 'whether an invite or addInvitees reached one of its invitees',
    pattern: /kind\s*===\s*'(?:invite|addInvitees)'[^;]*\.inviteeList\b/,
    use: 'receiptDue',
  },
];

/** Where rules may be written: the rules themselves, and the envelope decoder that defines the field checks. */
const RULES = /^packages\/signaling\/src\/(?:rules\/|envelope\.ts$)/;
/** Tests, stories and test fakes describe behaviour; they are not runners. */
const NOT_RUNNERS = /(?:\.test\.tsx?$|\.stories\.tsx?$|\/test\/|\/testing\/|\/stories\/)/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function roots(): string[] {
  const out: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(ROOT, group))) {
      const src = join(ROOT, group, name, 'src');
      if (
        statSync(join(ROOT, group, name)).isDirectory() &&
        statSync(src, { throwIfNoEntry: false })?.isDirectory()
      )
        out.push(src);
    }
  }
  return out;
}

/** Comments blanked out (newlines kept, so line numbers hold). */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * Every statement of `text` shaped like a rule, as `line: rule (use ...)`. Statements end at
 * `;` or `}`, so a condition written over several lines is read as one.
 */
export function ruleShapes(text: string): string[] {
  const code = withoutComments(text);
  const found: string[] = [];
  let start = 0;
  for (const part of code.split(/[;}]/)) {
    const statement = part.replace(/\s+/g, ' ');
    const line = code.slice(0, start + part.length - part.trimStart().length).split('\n').length;
    for (const shape of SHAPES) {
      if (shape.pattern.test(statement))
        found.push(`${line}: ${shape.rule} (use ${shape.use}): ${statement.trim()}`);
    }
    start += part.length + 1;
  }
  return found;
}

describe('no rule check outside rules/', () => {
  it('finds no rule-shaped code in any runner, client or app source file', () => {
    const files = roots().flatMap(sources);
    const checked = files
      .map((path) => relative(ROOT, path).split(sep).join('/'))
      .filter((path) => !RULES.test(path) && !NOT_RUNNERS.test(path));
    expect(checked.length).toBeGreaterThan(50);
    expect(checked).toContain('packages/tencent/src/transport.ts');
    expect(checked).toContain('packages/server/src/store/redis/store.ts');
    const offenders = checked.flatMap((path) =>
      ruleShapes(readFileSync(join(ROOT, path), 'utf8')).map((hit) => `${path}:${hit}`),
    );
    expect(offenders).toEqual([]);
  });

  // The rule copies this test was written against, as they stood before the guards: each must be caught.
  it.each([
    ['the Tencent invite check', '    const timeout = checkTimeout(command.timeout);'],
    ['the Tencent answer check', "    if (mine.state !== 'pending') {"],
    [
      'the Tencent glare scan',
      "      if (record.groupID !== '' || record.timeout <= 0 || record.inviter !== inviter) continue;",
    ],
    [
      'the Redis store glare read',
      "      const rings = command.groupID === '' && command.timeout > 0 && typeof callee === 'string';",
    ],
    ['the Redis plan ringing test', "  return record.groupID === '' && record.timeout > 0;"],
    [
      'the Tencent settle',
      "      .filter((i) => i.state === 'pending' && (who === undefined || who.includes(i.userID)))",
    ],
    [
      'the Tencent expiry',
      "      .filter((i) => i.state === 'pending' && i.deadline > 0 && i.deadline <= limit)",
    ],
    [
      'the arbiter receipt check',
      "    if (entry === undefined || entry.delivered || entry.state !== 'pending') return;",
    ],
    [
      'the Redis store receipt filter',
      "              .filter((i) => who.has(i.userID) && i.state === 'pending' && !i.delivered)",
    ],
    [
      'the server receipt check',
      "        (event.kind === 'invite' || event.kind === 'addInvitees') &&\n        event.envelope.inviteeList.includes(userID)",
    ],
    [
      'the hub receipt check',
      "    if (event.kind === 'invite' || event.kind === 'addInvitees') { for (const u of event.envelope.inviteeList) {}",
    ],
    [
      'the connection receipt check',
      "      if (record.invitees.some((i) => i.userID === userID && i.state === 'pending'))",
    ],
    [
      'the arbiter visibility',
      '      if (record.onlineUserOnly && options.includeOnlineOnly !== true) continue;',
    ],
    ['the Redis snapshot filter', '    .filter((r) => !r.onlineUserOnly)'],
    [
      'the React incoming selector',
      "    if (!record.invitees.some((i) => i.userID === state.userID && i.state === 'pending')) continue;",
    ],
  ])('catches %s', (_, code) => {
    expect(ruleShapes(code)).not.toEqual([]);
  });
});
