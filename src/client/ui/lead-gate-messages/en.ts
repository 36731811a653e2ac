/** English, the source: every other language follows its keys. */
export default {
  lockedTitle: 'Lead’s PIN',
  lockedHint: 'This tablet has not been used for a while. The lead types their PIN to go on.',
  pinLabel: 'PIN',
  unlock: 'Unlock',
  wrongPin: 'That PIN is not right.',
  waitPin: 'Too many wrong PINs. Wait a minute, then try again.',
  forgotPin: 'Forgot the PIN? Connect this tablet to the server again with a lead’s code: that removes it.',
};
