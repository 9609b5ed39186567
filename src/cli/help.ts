export const HELP = `stillmotion: turn still photos into smooth, ready-to-post video clips

Usage:
  stillmotion animate <photo…> [-o out.mp4|dir/] [flags]   one clip per photo
  stillmotion animate <photo…> --slideshow [-p …] [--music song.mp3] -o reel.mp4   one video of all photos
  stillmotion render draft.json [-o out.mp4] [--format f] [--quality q] [--size s] [--loudnorm]
  stillmotion draft summary draft.json                    the draft's one-line summary
  stillmotion understand -p "<instruction>" [--json]      the request an instruction makes (no photo, no render)
  stillmotion serve                                       the workspace and API on http://localhost:8080
  stillmotion worker [--name N]                           renders for serve processes (REDIS_URL, DATABASE_URL)
  stillmotion chat [photo…] [--out DIR]                   talk to the video agent: describe, edit, "export"
  stillmotion ask "<message>" [--file photo…] [-o out.mp4] [--json]   one turn, scriptable
  stillmotion help | version

animate flags:
  -o, --output <file|dir/>  output file (one photo) or folder (several); default: next to each photo
  -d, --duration <s>        0.5–60 seconds (default 5)
      --fps <n>             24, 25, 30 (default), 50, 60
      --size <s>            720p, 1080p (default), 1440p, 4k, or WxH (even numbers)
      --aspect <a>          16:9, 9:16, 1:1, 4:5, 4:3, 3:4 (default: follow the photo)
      --fit <f>             cover (default, subject-aware crop), blur (contain over a blurred copy),
                            color (contain over --background)
      --background <c>      fill colour for --fit color and transparent photos (default #000000)
      --format <f>          mp4 (default), webm, gif, mov
      --quality <q>         high (default), medium, low
  -m, --move <m>            auto (default), zoom-in, zoom-out, pan-left, pan-right, pan-up, pan-down,
                            pan-up-left, pan-up-right, pan-down-left, pan-down-right, ken-burns, static
      --intensity <i>       subtle, normal (default), strong, or 0–1
      --easing <e>          smooth (default), linear, ease-in, ease-out
  -p, --prompt <text>       an instruction in English or Chinese ("8-second slow zoom", "竖屏 五秒")
      --json                NDJSON on stdout: progress events, then one result per photo
      --dry-run             print the render plan (every decision made) instead of rendering
      --preset <p>          x264 preset (default veryfast; see README)
      --workers <n>         render threads (default 2)
      --slideshow           one video of all the photos (a draft: see render)
      --music <file>        with --slideshow: music (mp3, wav, m4a, aac), looped or trimmed to the video
      --transition <t>      with --slideshow: crossfade, fade_black, fade_white, slide_left, push_left, wipe, zoom, cut

chat and ask:
      --api <url>           the server (else STILLMOTION_API_URL or NEMO_API_URL, else a built-in one)
      --out <dir>           where exports go (default: next to the photos)
      --lang <en|zh>        the language of the client's own messages (default: yours, per message)
      --session <id>        continue a session (ask's --json result carries session_id)
  -f, --file <path>         ask: a photo, clip or song to upload first (repeatable)
  -o, --output <file>       ask: export after the turn and download the video here
      --format, --quality   ask: export format (mp4, webm, gif, mov) and quality (high, medium, low)
      --json                NDJSON events on stdout
  In chat: type or drag a photo's path to upload it; "status" (状态), "credits" (积分), "export" (导出),
  "web" (a link that opens the project in the browser), "help", "quit".
  NEMO_TOKEN is used when set; otherwise an anonymous token for a client id kept in
  ~/.config/stillmotion/client_id (under XDG_CONFIG_HOME when set).
`;
