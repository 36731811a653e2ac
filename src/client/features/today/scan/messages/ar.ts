import type en from './en';

/** Arabic. */
export default {
  title: 'مسح بطاقة طفل',
  looking: 'ضع بطاقة الطفل أمام الكاميرا.',
  notACard: 'رمز QR هذا ليس بطاقة طفل. امسح البطاقة، أو اكتب الرمز المطبوع عليها.',
  scan: 'مسح بطاقة',
} satisfies Record<keyof typeof en, string>;
