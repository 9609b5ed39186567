import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, findPaths, route, unquotePath, type Route } from '../../src/client/router.js';

// [message, expected route] — English and Chinese, the brief's words and the ones around them.
const TABLE: Array<[string, Route]> = [
  // export flow
  ['export', { kind: 'export' }],
  ['Export', { kind: 'export' }],
  ['export it', { kind: 'export' }],
  ['please export the video', { kind: 'export' }],
  ['export now!', { kind: 'export' }],
  ['download', { kind: 'export' }],
  ['download it please', { kind: 'export' }],
  ['send me the video', { kind: 'export' }],
  ['Send me the final video', { kind: 'export' }],
  ['ok, send it to me', { kind: 'export' }],
  ['export as gif', { kind: 'export', format: 'gif' }],
  ['export it as webm in medium quality', { kind: 'export', format: 'webm', quality: 'medium' }],
  ['download the mp4', { kind: 'export', format: 'mp4' }],
  ['export in HD', { kind: 'export', quality: 'high' }],
  ['导出', { kind: 'export' }],
  ['导出视频', { kind: 'export' }],
  ['请帮我导出', { kind: 'export' }],
  ['导出吧', { kind: 'export' }],
  ['导出成动图', { kind: 'export', format: 'gif' }],
  ['导出高清版本', { kind: 'export', quality: 'high' }],
  ['下载视频', { kind: 'export' }],
  ['把视频发给我', { kind: 'export' }],
  ['make it 8 seconds and export', { kind: 'export', instruction: 'make it 8 seconds and export' }],
  ['add soft piano music, then export as mp4', { kind: 'export', format: 'mp4', instruction: 'add soft piano music, then export as mp4' }],
  ['改成竖屏然后导出', { kind: 'export', instruction: '改成竖屏然后导出' }],
  // credits
  ['credits', { kind: 'credits' }],
  ['how many credits do I have left?', { kind: 'credits' }],
  ['balance', { kind: 'credits' }],
  ["what's my balance", { kind: 'credits' }],
  ['积分', { kind: 'credits' }],
  ['我还有多少积分', { kind: 'credits' }],
  ['余额', { kind: 'credits' }],
  ['查一下余额', { kind: 'credits' }],
  // state summary
  ['status', { kind: 'status' }],
  ['Status?', { kind: 'status' }],
  ['show tracks', { kind: 'status' }],
  ['show me the timeline', { kind: 'status' }],
  ["what's on the timeline", { kind: 'status' }],
  ['状态', { kind: 'status' }],
  ['现在什么状态', { kind: 'status' }],
  ['看看轨道', { kind: 'status' }],
  ['时间线', { kind: 'status' }],
  // upload (a word, no file)
  ['upload', { kind: 'upload', paths: [] }],
  ['I want to upload another photo', { kind: 'upload', paths: [] }],
  ['上传', { kind: 'upload', paths: [] }],
  ['我要上传照片', { kind: 'upload', paths: [] }],
  // upload: files typed or dragged into the terminal
  ['/home/ana/beach.jpg', { kind: 'upload', paths: ['/home/ana/beach.jpg'] }],
  ['/Users/ana/My\\ Photos/beach\\ day.JPG ', { kind: 'upload', paths: ['/Users/ana/My Photos/beach day.JPG'] }],
  ["'/home/ana/My Photos/beach day.jpg' ", { kind: 'upload', paths: ['/home/ana/My Photos/beach day.jpg'] }],
  ['"C:\\Users\\ana\\beach.png"', { kind: 'upload', paths: ['C:\\Users\\ana\\beach.png'] }],
  ['file:///home/ana/My%20Photos/a.heic', { kind: 'upload', paths: ['/home/ana/My Photos/a.heic'] }],
  ['beach.jpg', { kind: 'upload', paths: ['beach.jpg'] }],
  ['./photos/a.png ./photos/b.webp', { kind: 'upload', paths: ['./photos/a.png', './photos/b.webp'] }],
  ['~/Music/song.mp3', { kind: 'upload', paths: ['~/Music/song.mp3'] }],
  ['upload ~/Pictures/cat.jpg', { kind: 'upload', paths: ['~/Pictures/cat.jpg'] }],
  ['上传 /tmp/猫.jpg', { kind: 'upload', paths: ['/tmp/猫.jpg'] }],
  ['/tmp/a.jpg make it a slow zoom', { kind: 'upload', paths: ['/tmp/a.jpg'], instruction: 'make it a slow zoom' }],
  ['/tmp/a.jpg 做成5秒视频', { kind: 'upload', paths: ['/tmp/a.jpg'], instruction: '做成5秒视频' }],
  // everything else → the agent
  ['animate this photo into a 5-second video with smooth motion', { kind: 'agent', text: 'animate this photo into a 5-second video with smooth motion' }],
  ['make it a 9:16 reel', { kind: 'agent', text: 'make it a 9:16 reel' }],
  ["add the title 'Download now'", { kind: 'agent', text: "add the title 'Download now'" }],
  ['add the caption "export sale"', { kind: 'agent', text: 'add the caption "export sale"' }],
  ['add lo-fi music at 35%', { kind: 'agent', text: 'add lo-fi music at 35%' }],
  ['把这张照片做成 5 秒的平滑运镜视频', { kind: 'agent', text: '把这张照片做成 5 秒的平滑运镜视频' }],
  ['加上轻柔的钢琴配乐', { kind: 'agent', text: '加上轻柔的钢琴配乐' }],
  ['加标题「立即下载」', { kind: 'agent', text: '加标题「立即下载」' }],
  ['make it slower', { kind: 'agent', text: 'make it slower' }],
  ['see https://example.com/a.jpg for the style', { kind: 'agent', text: 'see https://example.com/a.jpg for the style' }],
  // the web workspace (a claim link)
  ['open in browser', { kind: 'web' }],
  ['open it in the web workspace', { kind: 'web' }],
  ['web', { kind: 'web' }],
  ['在浏览器中打开', { kind: 'web' }],
  ['网页版', { kind: 'web' }],
  ['open the photo in a browser style frame', { kind: 'agent', text: 'open the photo in a browser style frame' }],
  // the chat's own words
  ['', { kind: 'empty' }],
  ['   ', { kind: 'empty' }],
  ['quit', { kind: 'quit' }],
  ['exit', { kind: 'quit' }],
  ['退出', { kind: 'quit' }],
  ['help', { kind: 'help' }],
  ['帮助', { kind: 'help' }],
];

test('router: every row of the table (English and Chinese)', () => {
  const failures: string[] = [];
  for (const [msg, want] of TABLE) {
    const got = route(msg);
    try {
      assert.deepEqual(got, want);
    } catch {
      failures.push(`${JSON.stringify(msg)} → ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
  assert.ok(TABLE.length >= 60);
});

test('router: with an existence check, only files that exist are uploads', () => {
  const exists = (p: string) => p === 'beach.jpg';
  assert.deepEqual(route('beach.jpg', { exists }), { kind: 'upload', paths: ['beach.jpg'] });
  assert.deepEqual(route('use beach.jpg and city.jpg', { exists }), { kind: 'upload', paths: ['beach.jpg'], instruction: 'use and city.jpg' });
  assert.deepEqual(route('city.jpg', { exists }), { kind: 'agent', text: 'city.jpg' });
});

test('dragged paths: the quoting of macOS Terminal, iTerm, GNOME and Windows Terminal', () => {
  assert.equal(unquotePath('/a/My\\ Photo\\ \\(1\\).jpg'), '/a/My Photo (1).jpg');
  assert.equal(unquotePath("'/a/it''s.jpg'"), "/a/it''s.jpg");
  assert.equal(unquotePath('"/a/b c.png"'), '/a/b c.png');
  assert.equal(unquotePath('file://localhost/a/b%20c.png'), '/a/b c.png');
  assert.deepEqual(findPaths("'/x/a b.jpg' '/x/c d.jpg' ").paths, ['/x/a b.jpg', '/x/c d.jpg']);
  assert.deepEqual(findPaths('/x/a\\ b.jpg /x/c.png, please').paths, ['/x/a b.jpg', '/x/c.png']);
});

test('language: Chinese when the message has Chinese characters', () => {
  assert.equal(detectLanguage('make it slower'), 'en');
  assert.equal(detectLanguage('慢一点'), 'zh');
  assert.equal(detectLanguage('export 导出'), 'zh');
  assert.equal(detectLanguage('123', 'zh'), 'zh');
});
