// The floor (issue 7): load each file with pugixml, walk the whole tree and count the `Episode`
// elements (by local name, whatever the prefix). Single-threaded, nothing else. A `.gz` file is
// first inflated with zlib into memory and then parsed from that buffer (pugixml cannot read
// gzip itself); plain files are loaded with pugixml's own load_file.
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <pugixml.hpp>
#include <string>

static bool load(pugi::xml_document& doc, const char* path, std::string& buf) {
  size_t n = std::strlen(path);
  if (n < 3 || std::strcmp(path + n - 3, ".gz") != 0) return doc.load_file(path);
  gzFile gz = gzopen(path, "rb");
  if (gz == nullptr) return false;
  gzbuffer(gz, 1 << 20);
  char chunk[1 << 16];
  int got = 0;
  while ((got = gzread(gz, chunk, sizeof chunk)) > 0) buf.append(chunk, static_cast<size_t>(got));
  gzclose(gz);
  return got == 0 && doc.load_buffer_inplace(buf.data(), buf.size());
}

int main(int argc, char** argv) {
  unsigned long long episodes = 0;
  for (int i = 1; i < argc; ++i) {
    pugi::xml_document doc;
    std::string buf;
    if (!load(doc, argv[i], buf)) {
      std::fprintf(stderr, "floor: cannot parse %s\n", argv[i]);
      return 1;
    }
    for (pugi::xml_node n = doc.first_child(); n;) {  // depth-first walk, no recursion
      if (n.type() == pugi::node_element) {
        const char* name = n.name();
        const char* colon = std::strrchr(name, ':');
        if (std::strcmp(colon != nullptr ? colon + 1 : name, "Episode") == 0) ++episodes;
      }
      if (n.first_child()) {
        n = n.first_child();
      } else {
        while (n && !n.next_sibling()) n = n.parent();
        if (n) n = n.next_sibling();
      }
    }
  }
  std::printf("%llu\n", episodes);
  return 0;
}
