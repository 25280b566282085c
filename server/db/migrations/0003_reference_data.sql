-- Reference data every installation needs, demo or not. Admins add more at run time.
INSERT INTO "community_types" ("code", "name_zh", "name_en", "requires_dispatch") VALUES
  ('integrated', '融合型', 'Integrated', false),
  ('co_built', '共建型', 'Co-built', true),
  ('collaborative', '协作型', 'Collaborative', false),
  ('education_group', '教育集团', 'Education group', false),
  ('alliance', '学校联盟', 'School alliance', false)
ON CONFLICT ("code") DO NOTHING;
--> statement-breakpoint
INSERT INTO "subjects" ("code", "name_zh", "name_en", "sort_order") VALUES
  ('chinese', '语文', 'Chinese', 10),
  ('math', '数学', 'Mathematics', 20),
  ('english', '英语', 'English', 30),
  ('science', '科学', 'Science', 40),
  ('morality', '道德与法治', 'Morality and Law', 50),
  ('music', '音乐', 'Music', 60),
  ('art', '美术', 'Art', 70),
  ('pe', '体育与健康', 'Physical Education', 80),
  ('it', '信息科技', 'Information Technology', 90),
  ('physics', '物理', 'Physics', 100),
  ('chemistry', '化学', 'Chemistry', 110),
  ('biology', '生物', 'Biology', 120),
  ('history', '历史', 'History', 130),
  ('geography', '地理', 'Geography', 140)
ON CONFLICT ("code") DO NOTHING;
