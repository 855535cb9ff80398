// What the server would refuse in a sign-up, said beside the field as soon
// as the patient leaves it, so nobody learns of it only from the last button.
import { t } from '../i18n/index.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** {field: message} of the rules the details break now; {} when fine. */
export function signupProblems(form) {
  const out = {};
  if (!form.name.trim()) out.name = t('portal.check.name');
  if (!form.phone.trim()) out.phone = t('portal.check.phone');
  if (!EMAIL.test(form.email.trim())) out.email = t('portal.check.email');
  if (form.password.length < 8) out.password = t('portal.check.password');
  return out;
}
