// Facts about the demo clinic that staff tests look up through the API
// rather than hard-code: the demo week starts on the day `demo` ran.
export async function firstDemoDay(api) {
  const today = new Date().toISOString().slice(0, 10);
  const until = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
  const list = await api.get(`/bookings?from=${today}&to=${until}&status=confirmed&limit=500`);
  const items = list.items.filter((b) => b.status === 'confirmed');
  if (!items.length) throw new Error('the demo has no bookings in the next ten days');
  items.sort((a, b) => a.start.localeCompare(b.start));
  const day = items[0].start.slice(0, 10);
  return { day, bookings: items.filter((b) => b.start.startsWith(day)) };
}
