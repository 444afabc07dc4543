package c18n.es;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The most used parts of Elasticsearch's analysis-common module (not on Maven Central for 8.x), built on the same
 * Lucene classes: language analyzers with their default stop words, n-gram filters/tokenizers, a few filters.
 * Options beyond the ones read below are ignored.
 */
public class CommonAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new LinkedHashMap<>();
        analyzers.put("english", analyzer(EnglishAnalyzer::new));
        analyzers.put("french", analyzer(FrenchAnalyzer::new));
        analyzers.put("german", analyzer(GermanAnalyzer::new));
        analyzers.put("spanish", analyzer(SpanishAnalyzer::new));
        analyzers.put("italian", analyzer(ItalianAnalyzer::new));
        analyzers.put("portuguese", analyzer(PortugueseAnalyzer::new));
        analyzers.put("dutch", analyzer(DutchAnalyzer::new));
        return analyzers;
    }

    private static AnalysisProvider<AnalyzerProvider<? extends Analyzer>> analyzer(Supplier<Analyzer> create) {
        return (indexSettings, environment, name, settings) -> new AbstractIndexAnalyzerProvider<>(name, settings) {
            private final Analyzer analyzer = create.get();

            @Override
            public Analyzer get() {
                return analyzer;
            }
        };
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new LinkedHashMap<>();
        filters.put("edge_ngram", (indexSettings, env, name, settings) -> filter(name, ts -> new EdgeNGramTokenFilter(
            ts, settings.getAsInt("min_gram", 1), settings.getAsInt("max_gram", 2), settings.getAsBoolean("preserve_original", false))));
        filters.put("ngram", (indexSettings, env, name, settings) -> filter(name, ts -> new NGramTokenFilter(
            ts, settings.getAsInt("min_gram", 1), settings.getAsInt("max_gram", 2), settings.getAsBoolean("preserve_original", false))));
        filters.put("stemmer", (indexSettings, env, name, settings) -> {
            String language = settings.get("language", settings.get("name", "english"));
            Function<TokenStream, TokenStream> stem = switch (language) {
                case "english", "porter" -> PorterStemFilter::new;
                case "light_english", "kstem" -> KStemFilter::new;
                case "minimal_english" -> EnglishMinimalStemFilter::new;
                case "possessive_english" -> EnglishPossessiveFilter::new;
                default -> throw new IllegalArgumentException("stemmer language [" + language + "] is not available in the local launcher");
            };
            return filter(name, stem);
        });
        return filters;
    }

    private static TokenFilterFactory filter(String name, Function<TokenStream, TokenStream> create) {
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream tokenStream) {
                return create.apply(tokenStream);
            }
        };
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new LinkedHashMap<>();
        tokenizers.put("edge_ngram", (indexSettings, env, name, settings) -> TokenizerFactory.newFactory(
            name, () -> new EdgeNGramTokenizer(settings.getAsInt("min_gram", 1), settings.getAsInt("max_gram", 2))));
        tokenizers.put("ngram", (indexSettings, env, name, settings) -> TokenizerFactory.newFactory(
            name, () -> new NGramTokenizer(settings.getAsInt("min_gram", 1), settings.getAsInt("max_gram", 2))));
        return tokenizers;
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("kstem", false, KStemFilter::new),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new),
            PreConfiguredTokenFilter.singleton("uppercase", true, UpperCaseFilter::new),
            PreConfiguredTokenFilter.singleton("reverse", false, ReverseStringFilter::new)
        );
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        return List.of(
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new),
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new),
            PreConfiguredTokenizer.singleton("letter", LetterTokenizer::new),
            PreConfiguredTokenizer.singleton("uax_url_email", UAX29URLEmailTokenizer::new)
        );
    }
}
