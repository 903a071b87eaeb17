@testable import BerthAgent
import Testing

@Suite struct BuildCacheKeyTests {
    @Test func keysAreStableAndListsDoNotCollide() {
        let a = ImageStore.buildCacheKey(["chain", "RUN echo hi"])
        #expect(a == ImageStore.buildCacheKey(["chain", "RUN echo hi"]))
        #expect(a.count == 64)
        #expect(a != ImageStore.buildCacheKey(["chainRUN echo hi"]))
        #expect(ImageStore.buildCacheKey(["ab", "c"]) != ImageStore.buildCacheKey(["a", "bc"]))
        #expect(ImageStore.buildCacheKey([]) != ImageStore.buildCacheKey([""]))
    }
}
