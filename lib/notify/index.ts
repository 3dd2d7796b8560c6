export { alertDeliveries, collectExpiring, collectFromAudit, recordAlert } from "./collect";
export { deliverNotifications } from "./deliver";
export { notifyOnce, startNotifyTimer } from "./loop";
export { approversFor } from "./recipients";
export {
  getNotificationSettings,
  type NotificationSettingsDto,
  UpdateNotificationSettingsInput,
  updateNotificationSettings,
} from "./settings";
