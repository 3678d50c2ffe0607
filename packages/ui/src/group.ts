// Group calls' stage, apart from the main entry so an app without group calls does not ship it
// (`pnpm size`: the full UI row and the group row).

export { GroupCallEndedCard, type GroupCallEndedCardProps } from './call/GroupCallEndedCard.js';
export { GroupCallStage, type GroupCallStageProps, type GroupTileMedia } from './call/GroupCallStage.js';
