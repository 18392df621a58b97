// Golden files: what a test compares a whole output with, kept under tests/golden/<module>/.
// CARTERA_UPDATE_GOLDEN=1 in the environment makes every comparison write the output it got as
// the new golden file first (tests/README.md, "Goldens"); review the diff before committing it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cartera::testing {

// The source tree's tests/golden: one folder per module (collections, statements, payments…).
inline const std::filesystem::path kGoldenDir = std::filesystem::path(CARTERA_SOURCE_DIR) / "tests/golden";

// Whether this run re-records the golden files (CARTERA_UPDATE_GOLDEN set and not "0").
bool updating_goldens();

// A part of an output that differs from one run to the next (a generated id, a time of day):
// every match of pattern (ECMAScript) is replaced by replacement before the comparison, and the
// golden file holds the replacement. why says what varies, for whoever reads the test.
struct Mask {
  std::string pattern;
  std::string replacement;
  std::string why;
};

// Where the source tree is checked out, as a document names a file the test gave by its path
// (a cash receipt names its bank file): replaced by "{source}".
Mask source_dir_mask();

// text with every mask applied, in order.
std::string masked(std::string text, const std::vector<Mask> &masks);

// W3C Canonical XML 1.0 without comments (libxml2's C14N): the XML declaration dropped,
// attributes in a fixed order, empty elements written as start and end tags, namespace
// declarations where they are used. Whitespace between elements stays: indentation is part
// of what a golden document fixes. Throws std::runtime_error on text that is not well formed.
std::string canonical_xml(const std::string &xml);

// out, byte for byte, equals the golden file (a CSV, an HTML page, a message).
void expect_golden(const std::string &out, const std::filesystem::path &golden);

// The XML document xml, masked, equals the golden file after both are canonicalised; the
// golden file keeps the document as the product writes it (masked), to be read as it is.
void expect_golden_xml(const std::string &xml, const std::filesystem::path &golden,
                       const std::vector<Mask> &masks = {});

} // namespace cartera::testing
