export { Avatar, type AvatarProps, initials } from './call/Avatar.js';
export { CallControls, type CallControlsProps } from './call/CallControls.js';
export { CallEndedCard, type CallEndedCardProps } from './call/CallEndedCard.js';
export { CallEndedSummary, type CallEndedSummaryProps } from './call/CallEndedSummary.js';
export { CallHistoryList, type CallHistoryListProps } from './call/CallHistoryList.js';
export { CallStage, type CallStageProps } from './call/CallStage.js';
export { CallTimer, type CallTimerProps } from './call/CallTimer.js';
export { CallView, type CallViewProps } from './call/CallView.js';
export {
  IncomingCallDialog,
  type IncomingCallDialogProps,
  type RingingCall,
} from './call/IncomingCallDialog.js';
export { MediaTile, type MediaTileProps } from './call/MediaTile.js';
export { OutgoingCallPanel, type OutgoingCallPanelProps } from './call/OutgoingCallPanel.js';
export { type ParticipantState, ParticipantTile, type ParticipantTileProps } from './call/ParticipantTile.js';
export { type Corner, SelfView, type SelfViewProps } from './call/SelfView.js';
export { ClassJoinCode, type ClassJoinCodeProps } from './classroom/ClassJoinCode.js';
export { ClassroomToolbar, type ClassroomToolbarProps } from './classroom/ClassroomToolbar.js';
export { HandRaiseButton, type HandRaiseButtonProps } from './classroom/HandRaiseButton.js';
export { HandRaisePrompt, type HandRaisePromptProps } from './classroom/HandRaisePrompt.js';
export { HandRaiseQueue, type HandRaiseQueueProps } from './classroom/HandRaiseQueue.js';
export { RoundCountdown, type RoundCountdownProps } from './classroom/RoundCountdown.js';
export { SpeakerList, type SpeakerListProps } from './classroom/SpeakerList.js';
export { DevicePicker, type DevicePickerProps } from './devices/DevicePicker.js';
export { clock, fill, plural, spokenDuration } from './i18n/format.js';
export {
  BeckonUIProvider,
  type BeckonUIProviderProps,
  type MessageOverrides,
  useI18n,
} from './i18n/I18nProvider.js';
export {
  catalogs,
  en,
  type GroupEndedMessages,
  type GroupMessages,
  ja,
  type Messages,
  type StageMessages,
  zhCN,
} from './i18n/messages.js';
export {
  CallNotificationsButton,
  type CallNotificationsButtonProps,
} from './ringing/CallNotificationsButton.js';
export { useCallNotification } from './ringing/useCallNotification.js';
export { useRingElection } from './ringing/useRingElection.js';
export {
  RINGBACK,
  RINGTONE,
  type Ringtone,
  type TonePattern,
  useRingback,
  useRingtone,
} from './ringing/useRingtone.js';
export type { DisplayName } from './util.js';
