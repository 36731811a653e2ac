import type en from './en';

/** Persian. */
export default {
  lockedTitle: 'PIN مسئول مرکز',
  lockedHint: 'این تبلت مدتی استفاده نشده است. برای ادامه، مسئول مرکز PIN خود را وارد می‌کند.',
  pinLabel: 'PIN',
  unlock: 'باز کردن قفل',
  wrongPin: 'این PIN درست نیست.',
  waitPin: 'PIN اشتباه چند بار وارد شد. یک دقیقه صبر کنید و دوباره امتحان کنید.',
  forgotPin: 'PIN را فراموش کرده‌اید؟ این تبلت را با کد مسئول مرکز دوباره به سرور وصل کنید: با این کار PIN حذف می‌شود.',
} satisfies Record<keyof typeof en, string>;
