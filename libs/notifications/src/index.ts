export * from './lib/smtp-settings';
export * from './lib/email-sender';
export * from './lib/signed-webhook';
export * from './lib/slack';
export * from './lib/notifier';
