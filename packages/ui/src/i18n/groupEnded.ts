import type { GroupEndedMessages } from './messages.js';

// The group card's sentences live here, in `@beckon/ui/group`, not in the main catalogs: an app
// without group calls ships none of them (`pnpm size`, the full UI row).

const en: GroupEndedMessages = {
  left: 'You left the call',
  everyoneLeft: 'Everyone else left',
  full: 'The call is full',
  fullLimit: 'The call is full ({count} people)',
  allDeclined: 'Everyone declined',
  allBusy: 'Everyone is busy',
  noAnswer: 'Nobody answered',
  nobodyJoined: 'Nobody joined',
  youCancelled: 'You cancelled the call',
  youDeclined: 'You declined the call',
  youBusy: 'You said you’re busy',
  youMissed: 'You missed the call',
  nobodyThere: 'Nobody else is in the call',
  joinAgain: 'Join again',
};

const zhCN: GroupEndedMessages = {
  left: '你已离开通话',
  everyoneLeft: '其他人都已离开',
  full: '通话人数已满',
  fullLimit: '通话人数已满（{count} 人）',
  allDeclined: '所有人都拒绝了通话',
  allBusy: '所有人都在忙',
  noAnswer: '无人接听',
  nobodyJoined: '没有人加入通话',
  youCancelled: '你已取消通话',
  youDeclined: '你拒绝了通话',
  youBusy: '你已回复忙线',
  youMissed: '你错过了通话',
  nobodyThere: '通话中没有其他人',
  joinAgain: '重新加入',
};

const ja: GroupEndedMessages = {
  left: '通話から退出しました',
  everyoneLeft: 'ほかの全員が退出しました',
  full: '通話が満員です',
  fullLimit: '通話が満員です（{count} 人）',
  allDeclined: '全員が拒否しました',
  allBusy: '全員が話し中です',
  noAnswer: '誰も応答しませんでした',
  nobodyJoined: '誰も参加しませんでした',
  youCancelled: '通話をキャンセルしました',
  youDeclined: '通話を拒否しました',
  youBusy: '話し中と伝えました',
  youMissed: '通話に応答しませんでした',
  nobodyThere: 'ほかに誰も通話にいません',
  joinAgain: 'もう一度参加',
};

const catalogs: Record<string, GroupEndedMessages> = { en, 'zh-CN': zhCN, ja };

/** The built-in sentences for `locale` (as `BeckonUIProvider` picks a catalog), with the app's overrides. */
export function groupEnded(locale: string, overrides?: Partial<GroupEndedMessages>): GroupEndedMessages {
  const base = catalogs[locale] ?? catalogs[locale.split('-')[0] ?? ''] ?? en;
  return overrides ? { ...base, ...overrides } : base;
}
