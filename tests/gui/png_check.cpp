// png_check FILE W H MIN_COLOURS: exits 0 when FILE is a W x H PNG with at least
// MIN_COLOURS distinct colours (a drawn window, not a blank or flat one).
// stb_image's implementation comes from libstb (Debian), like stb_image_write's.
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

#include <stb_image.h>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: png_check FILE WIDTH HEIGHT MIN_COLOURS\n");
        return 2;
    }
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(argv[1], &w, &h, &n, 4);
    if (!px) {
        std::fprintf(stderr, "png_check: %s: cannot load: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
    std::unordered_set<unsigned> colours;
    for (long i = 0; i < static_cast<long>(w) * h; ++i)
        colours.insert(unsigned(px[4 * i]) << 16 | unsigned(px[4 * i + 1]) << 8 | px[4 * i + 2]);
    stbi_image_free(px);
    const int want_w = std::atoi(argv[2]), want_h = std::atoi(argv[3]);
    const auto min_colours = static_cast<std::size_t>(std::atoi(argv[4]));
    std::printf("png_check: %s: %dx%d, %zu colours\n", argv[1], w, h, colours.size());
    if (w != want_w || h != want_h) {
        std::fprintf(stderr, "png_check: expected %dx%d\n", want_w, want_h);
        return 1;
    }
    if (colours.size() < min_colours) {
        std::fprintf(stderr, "png_check: expected at least %zu colours (a drawn window)\n", min_colours);
        return 1;
    }
    return 0;
}
