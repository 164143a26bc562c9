/** The actions a task may take, in the engine's order (a node without a list allows them all). */
export const TASK_ACTIONS = [
  'agree',
  'disagree',
  'read',
  'send_back',
  'transfer',
  'delegate',
  'add_signers',
  'remove_signers',
  'keep_pending',
  'request_extension',
  'cc',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
