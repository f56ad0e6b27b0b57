import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.SchemaOutputResolver;
import java.io.File;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.Result;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

/**
 * Validates MS Project XML files against the MSPDI schema as MPXJ models
 * it: the schema JAXB derives from MPXJ's schema classes (element names,
 * their order, their types), with every element optional as in Microsoft's
 * own schema. Prints `valid FILE` for each; the first invalid one ends the
 * run with its line and what was expected there.
 */
public class Validate {
    public static void main(String[] args) throws Exception {
        JAXBContext ctx = JAXBContext.newInstance(org.mpxj.mspdi.schema.ObjectFactory.class);
        List<StringWriter> docs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        ctx.generateSchema(new SchemaOutputResolver() {
            @Override
            public Result createOutput(String ns, String file) {
                StringWriter w = new StringWriter();
                docs.add(w);
                names.add(file);
                StreamResult r = new StreamResult(w);
                r.setSystemId(file);
                return r;
            }
        });
        Source[] sources = new Source[docs.size()];
        for (int i = 0; i < docs.size(); i++) {
            // MS Project's own schema makes every element optional; the
            // schema JAXB derives from MPXJ's model requires some. Their
            // names, order and types are what is checked.
            String xsd = docs.get(i).toString().replaceAll("(?m)^(\\s{4,}<xs:element )(?![^>]*minOccurs)", "$1minOccurs=\"0\" ");
            sources[i] = new StreamSource(new StringReader(xsd), names.get(i));
        }
        Validator v = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(sources).newValidator();
        for (String f : args) {
            v.validate(new StreamSource(new File(f)));
            System.out.println("valid " + f);
        }
    }
}
