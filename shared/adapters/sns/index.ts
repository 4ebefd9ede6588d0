export { createSnsNotifier, type SnsNotifierOptions } from './notifier.sns.ts';
