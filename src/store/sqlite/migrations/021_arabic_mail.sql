-- Which language the patient's e-mails are in: 'en' (as before) or 'ar'.
ALTER TABLE settings ADD COLUMN mail_language TEXT NOT NULL DEFAULT 'en' CHECK (mail_language IN ('en', 'ar'));

-- The patient's e-mails in Arabic: a clinic whose patients read Arabic
-- sets mail_language to 'ar'. Each patient template then has an Arabic
-- twin named <name>_ar, edited through /api/v1/templates like the others;
-- the practice's own notices stay English. The HTML is right-to-left;
-- {{date}} and {{time}} arrive already written in Arabic (service/notify.c).
INSERT INTO templates (name, subject, body_text, body_html) VALUES
('booking_confirmation_ar', 'حجزك في {{location}} يوم {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

تم تأكيد حجزك.

الخدمة: {{services}}
مع: {{staff}}
التاريخ: {{date}}
الوقت: {{time}} ({{timezone}})
المكان: {{location}}، {{address}}

إدارة حجزك: {{manage_url}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>تم تأكيد حجزك.</p><table><tr><td>الخدمة</td><td>{{services}}</td></tr><tr><td>مع</td><td>{{staff}}</td></tr><tr><td>التاريخ</td><td>{{date}}</td></tr><tr><td>الوقت</td><td>{{time}} ({{timezone}})</td></tr><tr><td>المكان</td><td>{{location}}، {{address}}</td></tr></table><p><a href="{{manage_url}}">إدارة حجزك</a></p></div>'),
('booking_rescheduled_ar', 'تم نقل حجزك إلى {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

حجزك لـ {{services}} مع {{staff}} أصبح يوم {{date}} الساعة {{time}} ({{timezone}}) في {{location}}.

إدارة حجزك: {{manage_url}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>حجزك لـ {{services}} مع {{staff}} أصبح يوم <b>{{date}} الساعة {{time}}</b> ({{timezone}}) في {{location}}.</p><p><a href="{{manage_url}}">إدارة حجزك</a></p></div>'),
('booking_cancelled_ar', 'تم إلغاء حجزك يوم {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

تم إلغاء حجزك لـ {{services}} مع {{staff}} يوم {{date}} الساعة {{time}} ({{timezone}}).
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>تم إلغاء حجزك لـ {{services}} مع {{staff}} يوم {{date}} الساعة {{time}} ({{timezone}}).</p></div>'),
('booking_reminder_ar', 'تذكير: {{services}} يوم {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

نذكّرك بحجزك لـ {{services}} مع {{staff}} يوم {{date}} الساعة {{time}} ({{timezone}}) في {{location}}، {{address}}.

إدارة حجزك: {{manage_url}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>نذكّرك بحجزك لـ {{services}} مع {{staff}} يوم <b>{{date}} الساعة {{time}}</b> ({{timezone}}) في {{location}}، {{address}}.</p><p><a href="{{manage_url}}">إدارة حجزك</a></p></div>'),
('appointment_shared_ar', 'موعدك يوم {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

لديك موعد ({{services}}) مع {{staff}} يوم {{date}} الساعة {{time}} ({{timezone}}).

{{notes}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>لديك موعد ({{services}}) مع {{staff}} يوم <b>{{date}} الساعة {{time}}</b> ({{timezone}}).</p><p>{{notes}}</p></div>'),
('appointment_changed_ar', 'أصبح موعدك يوم {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

موعدك ({{services}}) مع {{staff}} أصبح يوم {{date}} الساعة {{time}} ({{timezone}}).

{{notes}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>موعدك ({{services}}) مع {{staff}} أصبح يوم <b>{{date}} الساعة {{time}}</b> ({{timezone}}).</p><p>{{notes}}</p></div>'),
('appointment_cancelled_ar', 'تم إلغاء موعدك يوم {{date}} الساعة {{time}}',
 'مرحبًا {{patient}}،

تم إلغاء موعدك ({{services}}) مع {{staff}} يوم {{date}} الساعة {{time}} ({{timezone}}).
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>تم إلغاء موعدك ({{services}}) مع {{staff}} يوم {{date}} الساعة {{time}} ({{timezone}}).</p></div>');

-- The package mails too: {{units}} and {{expires_on}} in Arabic digits,
-- {{validity}} an Arabic sentence (service/package_notify.c).
INSERT INTO templates (name, subject, body_text, body_html) VALUES
('package_purchased_ar', 'باقتك: {{package}}',
 'مرحبًا {{patient}}،

شكرًا لشرائك {{package}} ({{units}} زيارات)، الفاتورة {{invoice}}.
{{validity}}

احجز زياراتك: {{manage_url}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>شكرًا لشرائك {{package}} ({{units}} زيارات)، الفاتورة {{invoice}}.</p><p>{{validity}}</p><p><a href="{{manage_url}}">احجز زياراتك</a></p></div>'),
('package_expiring_ar', 'تنتهي صلاحية باقتك {{package}} في {{expires_on}}',
 'مرحبًا {{patient}}،

تنتهي صلاحية باقتك {{package}} في {{expires_on}} وفيها {{units}} زيارات لم تُحجز بعد.

احجزها: {{manage_url}}
',
 '<div dir="rtl" lang="ar"><p>مرحبًا {{patient}}،</p><p>تنتهي صلاحية باقتك {{package}} في {{expires_on}} وفيها {{units}} زيارات لم تُحجز بعد.</p><p><a href="{{manage_url}}">احجزها</a></p></div>');
