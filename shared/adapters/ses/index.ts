export { createSesMailer, type SesMailerOptions } from './mailer.ses.ts';
