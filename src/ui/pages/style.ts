/** The UI's one stylesheet, served by the driver and the history server themselves (no CDN, no external assets). */
export const STYLESHEET = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px; margin: 0; color: #222; background: #fff; }
.navbar { background: #f1f1f1; border-bottom: 1px solid #ccc; display: flex; align-items: center; padding: 0 16px; }
.navbar .brand { font-weight: bold; color: #e25a1c; margin-right: 24px; text-decoration: none; font-size: 18px; padding: 10px 0; }
.navbar ul { list-style: none; display: flex; margin: 0; padding: 0; }
.navbar li a { display: block; padding: 12px 14px; color: #333; text-decoration: none; }
.navbar li.active a { background: #fff; border: 1px solid #ccc; border-bottom: none; font-weight: bold; }
.navbar .app { margin-left: auto; color: #555; }
main { padding: 12px 24px 40px; }
h3 { margin: 12px 0 8px; }
h4 { margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 4px 0 16px; min-width: 40%; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f7f7f7; }
tr:nth-child(even) td { background: #fbfbfb; }
ul.summary { list-style: none; padding: 0; }
ul.summary li { margin: 2px 0; }
.progress { position: relative; width: 160px; height: 16px; background: #eee; border-radius: 3px; overflow: hidden; }
.progress .done { position: absolute; left: 0; top: 0; bottom: 0; background: #a0dfff; }
.progress .running { position: absolute; top: 0; bottom: 0; background: #ffe699; }
.progress span { position: relative; font-size: 11px; padding-left: 4px; }
.kill-link { color: #c00; margin-left: 6px; font-size: 12px; }
pre.error { white-space: pre-wrap; max-width: 900px; font-size: 12px; color: #900; margin: 0; }
.status-FAILED { color: #c00; font-weight: bold; }
.status-SUCCEEDED, .status-SUCCESS, .status-COMPLETE { color: #070; }
.muted { color: #777; }
p.warning { background: #fff4e5; border: 1px solid #f0c36d; padding: 6px 10px; max-width: 900px; }
`;
