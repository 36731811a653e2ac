import type en from './en';

/** Arabic. */
export default {
  lockedTitle: 'رمز PIN الخاص بالمسؤول',
  lockedHint: 'لم يُستخدم هذا الجهاز اللوحي منذ مدة. يكتب المسؤول رمز PIN الخاص به للمتابعة.',
  pinLabel: 'رمز PIN',
  unlock: 'فتح القفل',
  wrongPin: 'رمز PIN غير صحيح.',
  waitPin: 'محاولات خاطئة كثيرة. انتظر دقيقة، ثم حاول مرة أخرى.',
  forgotPin: 'نسيت رمز PIN؟ اربط هذا الجهاز اللوحي بالخادم مرة أخرى برمز مسؤول: هذا يزيل رمز PIN.',
} satisfies Record<keyof typeof en, string>;
