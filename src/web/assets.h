// The web page's static files (src/web/assets/), embedded in the binary at build time by
// tools/embed_assets.py (no front-end build step; docs/web.md, "The page").
#ifndef PRO380_WEB_ASSETS_H_
#define PRO380_WEB_ASSETS_H_

#include <span>
#include <string_view>

namespace pro380::web {

struct Asset {
  std::string_view path;  // "/index.html", "/app.js", …
  std::string_view content_type;
  std::string_view body;
};

std::span<const Asset> EmbeddedAssets();

// The asset served at `path` ("/" is "/index.html"), or nullptr.
const Asset* FindAsset(std::string_view path);

}  // namespace pro380::web

#endif  // PRO380_WEB_ASSETS_H_
