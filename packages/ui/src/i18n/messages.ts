/** Every string the components show. Plural entries are keyed by `Intl.PluralRules` category. */
export interface Messages {
  incomingCall: string;
  incomingVideoCall: string;
  incomingAudioCall: string;
  accept: string;
  decline: string;
  declineBusy: string;
  ringingFor: string;
  secondsLeft: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  calling: string;
  cancel: string;
  outcome: Record<
    | 'declined'
    | 'busy'
    | 'timedOut'
    | 'cancelled'
    | 'answeredElsewhere'
    | 'failed'
    | 'hungUp'
    | 'peerLeft'
    | 'connectionLost'
    | 'endedWhileDisconnected',
    string
  >;
  callControls: string;
  microphone: string;
  camera: string;
  hangUp: string;
  callDuration: string;
  inCallWith: string;
  connecting: string;
  callEnded: string;
  endedByYou: string;
  endedByPeer: string;
  close: string;
  history: string;
  historyEmpty: string;
  historyOutcome: Record<'completed' | 'declined' | 'busy' | 'missed' | 'cancelled' | 'answered', string>;
  incoming: string;
  outgoing: string;
  enableSound: string;
  soundBlocked: string;
  enableNotifications: string;
  raiseHand: string;
  lowerHand: string;
  handRaised: string;
  handLowered: string;
  roundOpen: string;
  invitedToSpeak: string;
  acceptSpeak: string;
  declineSpeak: string;
  queueTitle: string;
  queueEmpty: string;
  handsCount: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  inviteToSpeak: string;
  dismiss: string;
  lowerAll: string;
  /** A queue row whose student is invited to speak and has not answered yet. */
  invitedWaiting: string;
  withdrawInvite: string;
  /** The countdown of a timed round. */
  roundEndsIn: string;
  joinCode: string;
  copyCode: string;
  copyLink: string;
  copied: string;
  copyFailed: string;
  speakersTitle: string;
  speakersEmpty: string;
  revoke: string;
  openRound: string;
  closeRound: string;
  roundTimeout: string;
  noTimeout: string;
  roundClosed: string;
  speaking: string;
  stopSpeaking: string;
  // Remote media state and devices (media).
  /** The muted mark's text (announced; the icon is not the only sign). */
  remoteMuted: string;
  /** The placeholder shown instead of a frozen frame. */
  remoteCameraOff: string;
  devices: string;
  speaker: string;
  defaultDevice: string;
  cameraPreview: string;
  allowDevices: string;
  devicesPrompt: string;
  devicesRequesting: string;
  devicesDenied: string;
  devicesUnsupported: string;
  devicesError: string;
  noCamera: string;
  noMicrophone: string;
  speakerUnsupported: string;
  /** The call stage: tiles, controls, shortcuts, the ended summary. */
  stage: StageMessages;
  /** Group calls: `GroupCallStage` and the incoming dialog's invitee line. */
  group: GroupMessages;
}

type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Strings of group calls; overridable key by key. */
export interface GroupMessages {
  /** The stage's name when the call has no group name. */
  title: string;
  /** How many people are in the call, this side included. */
  people: Plural;
  leave: string;
  /** A joined participant whose media is gone, within the grace period to come back. */
  reconnecting: string;
  /** Announced (politely) when someone's media enters the call. */
  joined: string;
  /** Announced when someone stops being in the call, by how. */
  gone: Record<'left' | 'declined' | 'busy' | 'timedOut' | 'cancelled', string>;
  /** The incoming dialog's title when others are invited too: `{count}` of them. */
  incomingVideo: Plural;
  incomingAudio: Plural;
  /** The invitees past the ones listed by name. */
  more: string;
  /**
   * Overrides of `GroupCallEndedCard`'s sentences (its catalogs ship with `@beckon/ui/group`, so
   * an app without group calls does not carry them).
   */
  ended?: Partial<GroupEndedMessages>;
}

/** How a group call ended for this side, in `GroupCallEndedCard`; `{name}` and `{count}` filled. */
export interface GroupEndedMessages {
  left: string;
  everyoneLeft: string;
  full: string;
  fullLimit: string;
  /** The caller's call that nobody joined: everyone declined, was busy, did not answer, mixed. */
  allDeclined: string;
  allBusy: string;
  noAnswer: string;
  nobodyJoined: string;
  youCancelled: string;
  /** An invitee's own answer, or their ring running out. */
  youDeclined: string;
  youBusy: string;
  youMissed: string;
  /** Joined (or joined again), and nobody else's media came. */
  nobodyThere: string;
  joinAgain: string;
}

/** Strings of the call stage (`CallStage`, `CallControls`, tiles); overridable key by key. */
export interface StageMessages {
  you: string;
  ringing: string;
  muted: string;
  cameraOff: string;
  speaking: string;
  selfView: string;
  moveHint: string;
  moved: string;
  corners: Record<'top-left' | 'top-right' | 'bottom-left' | 'bottom-right', string>;
  turnOnMicrophone: string;
  turnOffMicrophone: string;
  turnOnCamera: string;
  turnOffCamera: string;
  microphoneOn: string;
  microphoneOff: string;
  cameraOn: string;
  cameraOffNow: string;
  switchToAudio: string;
  devices: string;
  callAgain: string;
  lasted: string;
  soundBlocked: string;
  enableSound: string;
  addPeople: string;
}

export const en: Messages = {
  incomingCall: 'Incoming call',
  incomingVideoCall: '{name} is video calling you',
  incomingAudioCall: '{name} is calling you',
  accept: 'Accept',
  decline: 'Decline',
  declineBusy: 'Say I’m busy',
  ringingFor: 'Ringing',
  secondsLeft: { one: '{count} second left', other: '{count} seconds left' },
  calling: 'Calling {name}…',
  cancel: 'Cancel',
  outcome: {
    declined: '{name} declined the call',
    busy: '{name} is busy',
    timedOut: 'No answer from {name}',
    cancelled: 'Call cancelled',
    answeredElsewhere: 'Answered on another device',
    failed: 'The call failed',
    hungUp: 'Call ended',
    peerLeft: '{name} left the call after {duration}',
    connectionLost: 'Connection lost: the call ended',
    endedWhileDisconnected: 'The call ended while you were offline',
  },
  callControls: 'Call controls',
  microphone: 'Microphone',
  camera: 'Camera',
  hangUp: 'Hang up',
  callDuration: 'Call duration',
  inCallWith: 'In call with {name}',
  connecting: 'Connecting to {name}…',
  callEnded: 'Call with {name} ended',
  endedByYou: 'You hung up after {duration}',
  endedByPeer: '{name} hung up after {duration}',
  close: 'Close',
  history: 'Call history',
  historyEmpty: 'No calls yet',
  historyOutcome: {
    completed: 'Completed',
    declined: 'Declined',
    busy: 'Busy',
    missed: 'Missed',
    cancelled: 'Cancelled',
    answered: 'Answered',
  },
  incoming: 'Incoming',
  outgoing: 'Outgoing',
  enableSound: 'Enable ringtone',
  soundBlocked: 'The browser blocked the ringtone.',
  enableNotifications: 'Notify me when a call comes in',
  raiseHand: 'Raise hand',
  lowerHand: 'Lower hand',
  handRaised: 'Your hand is raised',
  handLowered: 'Your hand is lowered',
  roundOpen: '{name} asks you to raise your hand',
  invitedToSpeak: '{name} invites you to speak',
  acceptSpeak: 'Speak',
  declineSpeak: 'Not now',
  queueTitle: 'Raised hands',
  queueEmpty: 'No hands raised',
  handsCount: { one: '{count} hand raised', other: '{count} hands raised' },
  inviteToSpeak: 'Invite {name} to speak',
  dismiss: 'Lower {name}’s hand',
  lowerAll: 'Lower all hands',
  invitedWaiting: 'Invited, waiting',
  withdrawInvite: 'Withdraw {name}’s invitation',
  roundEndsIn: 'Round ends in {time}',
  joinCode: 'Join code',
  copyCode: 'Copy code',
  copyLink: 'Copy join link',
  copied: 'Copied',
  copyFailed: 'Could not copy: select the text and copy it',
  speakersTitle: 'Speaking',
  speakersEmpty: 'Nobody is speaking',
  revoke: 'Stop {name} speaking',
  openRound: 'Ask to raise hands',
  closeRound: 'Close the round',
  roundTimeout: 'Round length',
  noTimeout: 'Until closed',
  roundClosed: 'No round open',
  speaking: 'You are speaking',
  stopSpeaking: 'Stop speaking',
  remoteMuted: '{name} is muted',
  remoteCameraOff: '{name}, camera off',
  devices: 'Devices',
  speaker: 'Speaker',
  defaultDevice: 'Default',
  cameraPreview: 'Camera preview',
  allowDevices: 'Allow camera and microphone',
  devicesPrompt: 'Allow access to list your camera and microphone.',
  devicesRequesting: 'Waiting for permission…',
  devicesDenied: 'Camera and microphone are blocked. Allow them in the site settings, then try again.',
  devicesUnsupported: 'This page cannot use a camera or microphone (https is needed).',
  devicesError: 'Could not open the camera or microphone ({error}).',
  noCamera: 'No camera found.',
  noMicrophone: 'No microphone found.',
  speakerUnsupported: 'This browser plays sound on the default speaker only.',
  stage: {
    you: 'You',
    ringing: 'Ringing…',
    muted: 'muted',
    cameraOff: 'camera off',
    speaking: 'speaking',
    selfView: 'Your video',
    moveHint: 'Drag it, or use the arrow keys, to move it to another corner',
    moved: 'Your video is now at the {corner}',
    corners: {
      'top-left': 'top left',
      'top-right': 'top right',
      'bottom-left': 'bottom left',
      'bottom-right': 'bottom right',
    },
    turnOnMicrophone: 'Turn on microphone',
    turnOffMicrophone: 'Turn off microphone',
    turnOnCamera: 'Turn on camera',
    turnOffCamera: 'Turn off camera',
    microphoneOn: 'Microphone on',
    microphoneOff: 'Microphone off',
    cameraOn: 'Camera on',
    cameraOffNow: 'Camera off',
    switchToAudio: 'Audio only',
    devices: 'Devices',
    callAgain: 'Call again',
    lasted: 'The call lasted {duration}',
    soundBlocked: 'The browser blocked the ringing sound.',
    enableSound: 'Enable sound',
    addPeople: 'Add people',
  },
  group: {
    title: 'Group call',
    people: { one: '{count} person', other: '{count} people' },
    leave: 'Leave',
    reconnecting: 'Reconnecting…',
    joined: '{name} joined',
    gone: {
      left: '{name} left',
      declined: '{name} declined',
      busy: '{name} is busy',
      timedOut: 'No answer from {name}',
      cancelled: 'Stopped ringing {name}',
    },
    incomingVideo: {
      one: '{name} is video calling you and {count} other',
      other: '{name} is video calling you and {count} others',
    },
    incomingAudio: {
      one: '{name} is calling you and {count} other',
      other: '{name} is calling you and {count} others',
    },
    more: '+{count}',
  },
};

export const zhCN: Messages = {
  incomingCall: '来电',
  incomingVideoCall: '{name} 邀请你视频通话',
  incomingAudioCall: '{name} 邀请你语音通话',
  accept: '接听',
  decline: '拒绝',
  declineBusy: '回复忙线',
  ringingFor: '响铃中',
  secondsLeft: { other: '剩余 {count} 秒' },
  calling: '正在呼叫 {name}…',
  cancel: '取消',
  outcome: {
    declined: '{name} 拒绝了通话',
    busy: '{name} 正在通话中',
    timedOut: '{name} 无应答',
    cancelled: '通话已取消',
    answeredElsewhere: '已在其他设备接听',
    failed: '通话失败',
    hungUp: '通话已结束',
    peerLeft: '{name} 已离开通话，通话时长 {duration}',
    connectionLost: '连接已断开，通话已结束',
    endedWhileDisconnected: '通话在您离线时已结束',
  },
  callControls: '通话控制',
  microphone: '麦克风',
  camera: '摄像头',
  hangUp: '挂断',
  callDuration: '通话时长',
  inCallWith: '正在与 {name} 通话',
  connecting: '正在连接 {name}…',
  callEnded: '与 {name} 的通话已结束',
  endedByYou: '你已挂断，通话时长 {duration}',
  endedByPeer: '{name} 已挂断，通话时长 {duration}',
  close: '关闭',
  history: '通话记录',
  historyEmpty: '暂无通话',
  historyOutcome: {
    completed: '已完成',
    declined: '已拒绝',
    busy: '忙线',
    missed: '未接',
    cancelled: '已取消',
    answered: '已接听',
  },
  incoming: '呼入',
  outgoing: '呼出',
  enableSound: '开启铃声',
  soundBlocked: '浏览器阻止了铃声。',
  enableNotifications: '来电时通知我',
  raiseHand: '举手',
  lowerHand: '放下手',
  handRaised: '你已举手',
  handLowered: '你已放下手',
  roundOpen: '{name} 请大家举手',
  invitedToSpeak: '{name} 邀请你发言',
  acceptSpeak: '发言',
  declineSpeak: '暂不',
  queueTitle: '举手列表',
  queueEmpty: '暂无举手',
  handsCount: { other: '{count} 人举手' },
  inviteToSpeak: '邀请 {name} 发言',
  dismiss: '放下 {name} 的手',
  lowerAll: '全部放下',
  invitedWaiting: '已邀请，等待回应',
  withdrawInvite: '撤回对 {name} 的邀请',
  roundEndsIn: '本轮剩余 {time}',
  joinCode: '加入码',
  copyCode: '复制加入码',
  copyLink: '复制加入链接',
  copied: '已复制',
  copyFailed: '无法复制：请选中文字后手动复制',
  speakersTitle: '发言中',
  speakersEmpty: '暂无发言',
  revoke: '停止 {name} 发言',
  openRound: '请大家举手',
  closeRound: '结束举手',
  roundTimeout: '举手时长',
  noTimeout: '直到结束',
  roundClosed: '未开始举手',
  speaking: '你正在发言',
  stopSpeaking: '结束发言',
  remoteMuted: '{name} 已静音',
  remoteCameraOff: '{name}，摄像头已关闭',
  devices: '设备',
  speaker: '扬声器',
  defaultDevice: '默认',
  cameraPreview: '摄像头预览',
  allowDevices: '允许使用摄像头和麦克风',
  devicesPrompt: '允许访问以列出摄像头和麦克风。',
  devicesRequesting: '正在等待授权…',
  devicesDenied: '摄像头和麦克风已被阻止。请在网站设置中允许后重试。',
  devicesUnsupported: '此页面无法使用摄像头或麦克风（需要 https）。',
  devicesError: '无法打开摄像头或麦克风（{error}）。',
  noCamera: '未找到摄像头。',
  noMicrophone: '未找到麦克风。',
  speakerUnsupported: '此浏览器只能使用默认扬声器。',
  stage: {
    you: '你',
    ringing: '正在响铃…',
    muted: '已静音',
    cameraOff: '摄像头已关闭',
    speaking: '正在说话',
    selfView: '你的画面',
    moveHint: '拖动或使用方向键把它移到其他角落',
    moved: '你的画面已移到{corner}',
    corners: {
      'top-left': '左上角',
      'top-right': '右上角',
      'bottom-left': '左下角',
      'bottom-right': '右下角',
    },
    turnOnMicrophone: '打开麦克风',
    turnOffMicrophone: '关闭麦克风',
    turnOnCamera: '打开摄像头',
    turnOffCamera: '关闭摄像头',
    microphoneOn: '麦克风已打开',
    microphoneOff: '麦克风已关闭',
    cameraOn: '摄像头已打开',
    cameraOffNow: '摄像头已关闭',
    switchToAudio: '转为语音',
    devices: '设备',
    callAgain: '再次呼叫',
    lasted: '通话时长 {duration}',
    soundBlocked: '浏览器阻止了回铃音。',
    enableSound: '开启声音',
    addPeople: '添加成员',
  },
  group: {
    title: '多人通话',
    people: { other: '{count} 人' },
    leave: '离开',
    reconnecting: '正在重新连接…',
    joined: '{name} 加入了通话',
    gone: {
      left: '{name} 离开了通话',
      declined: '{name} 拒绝了通话',
      busy: '{name} 正在通话中',
      timedOut: '{name} 无应答',
      cancelled: '已取消呼叫 {name}',
    },
    incomingVideo: { other: '{name} 邀请你和其他 {count} 人视频通话' },
    incomingAudio: { other: '{name} 邀请你和其他 {count} 人语音通话' },
    more: '+{count}',
  },
};

export const ja: Messages = {
  incomingCall: '着信',
  incomingVideoCall: '{name} さんからビデオ通話',
  incomingAudioCall: '{name} さんから音声通話',
  accept: '応答',
  decline: '拒否',
  declineBusy: '話し中と伝える',
  ringingFor: '呼び出し中',
  secondsLeft: { other: '残り {count} 秒' },
  calling: '{name} さんに発信中…',
  cancel: 'キャンセル',
  outcome: {
    declined: '{name} さんが通話を拒否しました',
    busy: '{name} さんは話し中です',
    timedOut: '{name} さんが応答しませんでした',
    cancelled: '通話はキャンセルされました',
    answeredElsewhere: '別の端末で応答しました',
    failed: '通話に失敗しました',
    hungUp: '通話が終了しました',
    peerLeft: '{name} さんが通話から離れました（{duration}）',
    connectionLost: '接続が切れたため通話が終了しました',
    endedWhileDisconnected: 'オフラインの間に通話が終了しました',
  },
  callControls: '通話の操作',
  microphone: 'マイク',
  camera: 'カメラ',
  hangUp: '通話を終了',
  callDuration: '通話時間',
  inCallWith: '{name} さんと通話中',
  connecting: '{name} さんに接続中…',
  callEnded: '{name} さんとの通話が終了しました',
  endedByYou: 'あなたが終了しました（{duration}）',
  endedByPeer: '{name} さんが終了しました（{duration}）',
  close: '閉じる',
  history: '通話履歴',
  historyEmpty: '通話はまだありません',
  historyOutcome: {
    completed: '完了',
    declined: '拒否',
    busy: '話し中',
    missed: '不在着信',
    cancelled: 'キャンセル',
    answered: '応答',
  },
  incoming: '着信',
  outgoing: '発信',
  enableSound: '着信音を有効にする',
  soundBlocked: 'ブラウザが着信音をブロックしました。',
  enableNotifications: '着信時に通知する',
  raiseHand: '手を挙げる',
  lowerHand: '手を下ろす',
  handRaised: '手を挙げています',
  handLowered: '手を下ろしました',
  roundOpen: '{name} さんが挙手を求めています',
  invitedToSpeak: '{name} さんが発言を求めています',
  acceptSpeak: '発言する',
  declineSpeak: '今はしない',
  queueTitle: '挙手',
  queueEmpty: '挙手はありません',
  handsCount: { other: '挙手 {count} 件' },
  inviteToSpeak: '{name} さんに発言を依頼',
  dismiss: '{name} さんの手を下ろす',
  lowerAll: 'すべての手を下ろす',
  invitedWaiting: '招待済み・応答待ち',
  withdrawInvite: '{name} さんへの招待を取り消す',
  roundEndsIn: '残り {time}',
  joinCode: '参加コード',
  copyCode: 'コードをコピー',
  copyLink: '参加リンクをコピー',
  copied: 'コピーしました',
  copyFailed: 'コピーできませんでした。テキストを選択してコピーしてください',
  speakersTitle: '発言中',
  speakersEmpty: '発言者はいません',
  revoke: '{name} さんの発言を終了',
  openRound: '挙手を求める',
  closeRound: '挙手を締め切る',
  roundTimeout: '挙手の時間',
  noTimeout: '締め切るまで',
  roundClosed: '挙手は受け付けていません',
  speaking: '発言中です',
  stopSpeaking: '発言を終える',
  remoteMuted: '{name} さんはミュート中です',
  remoteCameraOff: '{name} さん、カメラはオフです',
  devices: 'デバイス',
  speaker: 'スピーカー',
  defaultDevice: '既定',
  cameraPreview: 'カメラのプレビュー',
  allowDevices: 'カメラとマイクを許可',
  devicesPrompt: '許可するとカメラとマイクが表示されます。',
  devicesRequesting: '許可を待っています…',
  devicesDenied: 'カメラとマイクがブロックされています。サイト設定で許可してから再試行してください。',
  devicesUnsupported: 'このページではカメラとマイクを使えません（https が必要です）。',
  devicesError: 'カメラまたはマイクを開けませんでした（{error}）。',
  noCamera: 'カメラが見つかりません。',
  noMicrophone: 'マイクが見つかりません。',
  speakerUnsupported: 'このブラウザは既定のスピーカーのみ使えます。',
  stage: {
    you: 'あなた',
    ringing: '呼び出し中…',
    muted: 'ミュート中',
    cameraOff: 'カメラオフ',
    speaking: '発言中',
    selfView: 'あなたの映像',
    moveHint: 'ドラッグするか矢印キーで別の隅に移動できます',
    moved: 'あなたの映像を{corner}に移動しました',
    corners: { 'top-left': '左上', 'top-right': '右上', 'bottom-left': '左下', 'bottom-right': '右下' },
    turnOnMicrophone: 'マイクをオンにする',
    turnOffMicrophone: 'マイクをオフにする',
    turnOnCamera: 'カメラをオンにする',
    turnOffCamera: 'カメラをオフにする',
    microphoneOn: 'マイクがオンになりました',
    microphoneOff: 'マイクがオフになりました',
    cameraOn: 'カメラがオンになりました',
    cameraOffNow: 'カメラがオフになりました',
    switchToAudio: '音声のみ',
    devices: 'デバイス',
    callAgain: 'もう一度かける',
    lasted: '通話時間 {duration}',
    soundBlocked: 'ブラウザが呼び出し音をブロックしました。',
    enableSound: '音を有効にする',
    addPeople: 'メンバーを追加',
  },
  group: {
    title: 'グループ通話',
    people: { other: '{count} 人' },
    leave: '退出',
    reconnecting: '再接続中…',
    joined: '{name} さんが参加しました',
    gone: {
      left: '{name} さんが退出しました',
      declined: '{name} さんが拒否しました',
      busy: '{name} さんは話し中です',
      timedOut: '{name} さんが応答しませんでした',
      cancelled: '{name} さんの呼び出しを取り消しました',
    },
    incomingVideo: { other: '{name} さんから、あなたとほか {count} 人へのビデオ通話' },
    incomingAudio: { other: '{name} さんから、あなたとほか {count} 人への音声通話' },
    more: '+{count}',
  },
};

export const catalogs: Record<string, Messages> = { en, 'zh-CN': zhCN, ja };
