// Splitting findings by unit into temporary files.
#include "unit_partition.hpp"

#include <fstream>

#include "finding_spill.hpp"

namespace nprcheck::report {

namespace fs = std::filesystem;

namespace {

constexpr size_t kChunk = 64 * 1024;  // bytes buffered per unit before an append

Status append(const std::string& file, std::string& buffer) {
  if (buffer.empty()) return Status::ok();
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.close();
  buffer.clear();
  if (!out) return Status::io_error(file + ": write failed (disk full?)");
  return Status::ok();
}

}  // namespace

Result<UnitPartition> UnitPartition::create(const fs::path& work_dir, const FindingSource& source) {
  return create(work_dir, source, [](const Finding& f) { return &f.unit; });
}

Result<UnitPartition> UnitPartition::create(
    const fs::path& work_dir, const FindingSource& source,
    const std::function<const std::string*(const Finding&)>& key_of) {
  std::error_code ec;
  if (!fs::create_directories(work_dir, ec) || ec) {
    return Status::io_error(work_dir.string() + ": cannot create work folder" +
                            (ec ? ": " + ec.message() : std::string()));
  }
  UnitPartition p(work_dir);
  std::map<std::string, std::string> buffers;
  Status failed;
  Status s = source([&](const Finding& f) {
    if (!failed.is_ok()) return;
    const std::string* key = key_of(f);
    if (key == nullptr) return;
    auto [it, inserted] = p.files_.try_emplace(*key);
    if (inserted) {
      // Stems are unique per unit id; the counter keeps two ids that hash alike apart.
      it->second =
          (work_dir / (unit_file_stem(*key) + "-" + std::to_string(p.files_.size()) + ".spill"))
              .string();
    }
    std::string& buf = buffers[*key];
    encode_finding(buf, f);
    if (buf.size() >= kChunk) {
      if (Status a = append(it->second, buf); !a) failed = a;
    }
  });
  if (!s) return s;
  if (!failed.is_ok()) return failed;
  for (auto& [unit, buf] : buffers) {
    if (Status a = append(p.files_.at(unit), buf); !a) return a;
  }
  return p;
}

UnitPartition::UnitPartition(UnitPartition&& other) noexcept
    : dir_(std::move(other.dir_)), files_(std::move(other.files_)) {
  other.dir_.clear();
}

UnitPartition::~UnitPartition() {
  if (dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

FindingSource UnitPartition::unit_source(const std::string& unit) const {
  auto it = files_.find(unit);
  if (it == files_.end()) {
    return [](const FindingVisitor&) { return Status::ok(); };
  }
  return spill_source(it->second);
}

std::vector<std::string> UnitPartition::units(const RunManifest& m) const {
  std::map<std::string, bool> all;
  for (const auto& [unit, file] : files_) all[unit] = true;
  for (const auto& [unit, counts] : m.per_unit) all[unit] = true;
  std::vector<std::string> out;
  for (const auto& [unit, yes] : all) out.push_back(unit);
  return out;
}

}  // namespace nprcheck::report
