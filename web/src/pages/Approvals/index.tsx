/** 审批 todo centre (`/approvals/:tab`); the approval page and print view are `Detail` and `Print`. */
export { default } from './List';
