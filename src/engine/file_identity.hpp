#pragma once
/// Telling one version of an input file from another, to notice a file rewritten while it is
/// checked (engine-internal).

#include <sys/stat.h>

#include <string>

namespace nprcheck {

/// What tells one version of a file from another: a rewrite changes ctime (and usually size and
/// mtime); a replacement changes the inode.
struct FileIdentity {
  bool regular = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{};
  timespec ctime{};
  bool operator==(const FileIdentity& o) const {
    return regular == o.regular && dev == o.dev && ino == o.ino && size == o.size &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

inline FileIdentity file_identity(const std::string& path) {
  FileIdentity id;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return id;
  id.regular = S_ISREG(st.st_mode);
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.size = st.st_size;
  id.mtime = st.st_mtim;
  id.ctime = st.st_ctim;
  return id;
}

}  // namespace nprcheck
