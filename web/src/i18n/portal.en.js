// English strings of the patient portal (/book).
export default {
  'portal.title': 'Book an appointment',
  'portal.coming_soon': 'Online booking opens here.',
};
